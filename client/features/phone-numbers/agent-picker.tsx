import { keepPreviousData } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { QUERY_MAX_LENGTH } from '../../../shared/agent.schema.ts';
import type { ControlProps } from '../../components/field.tsx';
import { describeApiError } from '../../lib/api-error.ts';
import { trpc, type RouterOutputs } from '../../lib/trpc.ts';
import { useDebouncedValue } from '../../lib/use-debounced-value.ts';

type Agent = RouterOutputs['agents']['get'];
export interface PickedAgent {
  id: string;
  name: string;
}

const SEARCH_DEBOUNCE_MS = 200;
const MAX_OPTIONS = 8;

interface AgentPickerProps {
  control: ControlProps;
  value: PickedAgent | null;
  onChange: (agent: PickedAgent) => void;
}

/**
 * Pick an agent by typing part of its name: an ARIA combobox over `agents.list` (searched on the
 * server). Arrow keys move through the suggestions, Enter picks, Escape closes the list.
 */
export function AgentPicker({ control, value, onChange }: AgentPickerProps) {
  const utils = trpc.useUtils();
  const listId = useId();
  const [text, setText] = useState(value?.name ?? '');
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const listRef = useRef<HTMLUListElement>(null);

  // The chosen agent's name arrives after the first render when it had to be loaded: the box
  // shows it (adjusted while rendering, so the empty name is never painted over it).
  const [shownValue, setShownValue] = useState(value);
  if (value?.id !== shownValue?.id || value?.name !== shownValue?.name) {
    setShownValue(value);
    if (value && !open) setText(value.name);
  }

  // Showing the chosen agent's name means "any agent": the whole list is offered to switch.
  const typed = value && text === value.name ? '' : text.trim();
  const query = useDebouncedValue(typed, SEARCH_DEBOUNCE_MS);
  const list = trpc.agents.list.useQuery(
    { limit: MAX_OPTIONS, ...(query && { query }) },
    { enabled: open, placeholderData: keepPreviousData },
  );
  // While the server's answer for the latest letters is on its way, the previous one is narrowed
  // here (the same case-insensitive match), so Enter never picks a name that no longer matches.
  const needle = typed.toLowerCase();
  const options: Agent[] = (list.data?.items ?? []).filter(
    (agent) => !needle || agent.name.toLowerCase().includes(needle),
  );
  const searching = list.isFetching || query !== typed;

  // The highlighted suggestion, kept within a list that shrinks as results arrive.
  const activeIndex = Math.min(active, options.length - 1);

  useEffect(() => {
    if (activeIndex < 0) return;
    listRef.current
      ?.querySelector(`[data-index="${activeIndex}"]`)
      ?.scrollIntoView({ block: 'nearest' });
  }, [activeIndex]);

  const pick = (agent: Agent) => {
    // The list already has the whole agent: the table's name lookup need not fetch it again.
    utils.agents.get.setData({ agentId: agent.id }, (current) => current ?? agent);
    onChange({ id: agent.id, name: agent.name });
    setText(agent.name);
    setOpen(false);
    setActive(-1);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    switch (event.key) {
      case 'ArrowDown':
        event.preventDefault();
        if (!open) {
          setOpen(true);
          setActive(0);
        } else setActive(Math.min(activeIndex + 1, options.length - 1));
        return;
      case 'ArrowUp':
        event.preventDefault();
        if (open) setActive(Math.max(activeIndex - 1, 0));
        return;
      case 'Enter': {
        // With one suggestion left, Enter takes it.
        const option = options[activeIndex] ?? (options.length === 1 ? options[0] : undefined);
        if (open && option) {
          // Picks the suggestion instead of submitting the form.
          event.preventDefault();
          pick(option);
        }
        return;
      }
      case 'Escape':
        if (open) {
          // Closes the list, not the dialog around it.
          event.preventDefault();
          event.stopPropagation();
          setOpen(false);
          setActive(-1);
        }
        return;
      default:
    }
  };

  const activeOption = open ? options[activeIndex] : undefined;
  const status = !open
    ? ''
    : list.isError
      ? `Could not load agents: ${describeApiError(list.error)}`
      : list.isPending
        ? 'Loading agents…'
        : options.length === 0
          ? searching
            ? 'Searching…'
            : typed
              ? `No agent is named like “${typed}”`
              : 'There are no agents yet: create one first'
          : '';

  return (
    <div className="combobox">
      <input
        {...control}
        className="input"
        role="combobox"
        aria-autocomplete="list"
        aria-expanded={open}
        aria-controls={listId}
        aria-activedescendant={activeOption ? `${listId}-${activeOption.id}` : undefined}
        autoComplete="off"
        spellCheck={false}
        maxLength={QUERY_MAX_LENGTH}
        placeholder="Type to search agents…"
        value={text}
        onChange={(event) => {
          setText(event.target.value);
          setOpen(true);
          setActive(-1);
        }}
        onClick={() => setOpen(true)}
        onKeyDown={onKeyDown}
        onBlur={() => {
          setOpen(false);
          setActive(-1);
          // Typing only searches: leaving without picking keeps (and shows) the agent chosen before.
          if (value) setText(value.name);
        }}
      />
      <ul
        ref={listRef}
        id={listId}
        role="listbox"
        aria-label="Agents"
        className="combobox__list"
        hidden={!open || options.length === 0}
      >
        {options.map((agent, index) => (
          <li
            key={agent.id}
            id={`${listId}-${agent.id}`}
            data-index={index}
            role="option"
            aria-selected={index === activeIndex}
            className={`combobox__option${value?.id === agent.id ? ' combobox__option--chosen' : ''}`}
            // Keeps the focus in the input, so the blur above does not close the list first.
            onMouseDown={(event) => event.preventDefault()}
            onClick={() => pick(agent)}
          >
            <span className="combobox__name">{agent.name}</span>
            {agent.description && (
              <span className="combobox__description">{agent.description}</span>
            )}
          </li>
        ))}
      </ul>
      <p className="combobox__status" role="status">
        {status}
      </p>
    </div>
  );
}
