// swagger-ui-dist ships no types: the part of SwaggerUI's options this page uses.
declare module 'swagger-ui-dist/swagger-ui-es-bundle.js' {
  interface SwaggerRequest {
    headers: Record<string, string>;
    credentials?: string;
  }
  interface SwaggerUIOptions {
    url?: string;
    spec?: object;
    domNode: HTMLElement;
    deepLinking?: boolean;
    tryItOutEnabled?: boolean;
    withCredentials?: boolean;
    persistAuthorization?: boolean;
    requestInterceptor?: (request: SwaggerRequest) => SwaggerRequest;
  }
  const SwaggerUI: (options: SwaggerUIOptions) => unknown;
  export default SwaggerUI;
}
