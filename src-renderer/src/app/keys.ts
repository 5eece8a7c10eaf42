// Keyboard shortcuts, as a pure mapping so the table in the help overlay and the behaviour agree.

export type KeyAction = 'freeze' | 'previousModel' | 'nextModel' | 'toggleView' | 'help' | 'close';

export const SHORTCUTS: { keys: string[]; action: KeyAction; what: string }[] = [
  { keys: ['Space'], action: 'freeze', what: 'Freeze / unfreeze the picture (the layout stays editable)' },
  { keys: ['←', '['], action: 'previousModel', what: 'Previous bundled model' },
  { keys: ['→', ']'], action: 'nextModel', what: 'Next bundled model' },
  { keys: ['V'], action: 'toggleView', what: 'Switch between the generic and the sorted-neurons view' },
  { keys: ['?'], action: 'help', what: 'Show / hide this help' },
  { keys: ['Esc'], action: 'close', what: 'Close dialogs and menus' },
];

export interface KeyInput {
  key: string;
  ctrlKey?: boolean;
  metaKey?: boolean;
  altKey?: boolean;
  /** Tag name of the focused element (e.g. 'INPUT'). */
  target?: string;
  /** The focused element is contentEditable. */
  editable?: boolean;
}

/** What a key press does, or null when it belongs to the focused control or is not a shortcut. */
export function keyAction(e: KeyInput): KeyAction | null {
  if (e.ctrlKey || e.metaKey || e.altKey) return null;
  const t = (e.target ?? '').toUpperCase();
  // Typing into a field, or choosing in a list with the arrow keys, is never a shortcut.
  if (e.editable || t === 'INPUT' || t === 'TEXTAREA' || t === 'SELECT') return e.key === 'Escape' ? 'close' : null;
  switch (e.key) {
    case ' ':
    case 'Spacebar':
      return 'freeze';
    case 'ArrowLeft':
    case '[':
      return 'previousModel';
    case 'ArrowRight':
    case ']':
      return 'nextModel';
    case 'v':
    case 'V':
      return 'toggleView';
    case '?':
      return 'help';
    case 'Escape':
      return 'close';
    default:
      return null;
  }
}
