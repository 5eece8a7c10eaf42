import { describe, expect, it } from 'vitest';
import { SHORTCUTS, keyAction } from './keys';

describe('keyboard shortcuts', () => {
  it('maps the documented keys to their actions', () => {
    expect(keyAction({ key: ' ' })).toBe('freeze');
    expect(keyAction({ key: 'ArrowLeft' })).toBe('previousModel');
    expect(keyAction({ key: '[' })).toBe('previousModel');
    expect(keyAction({ key: 'ArrowRight' })).toBe('nextModel');
    expect(keyAction({ key: ']' })).toBe('nextModel');
    expect(keyAction({ key: 'v' })).toBe('toggleView');
    expect(keyAction({ key: 'V' })).toBe('toggleView');
    expect(keyAction({ key: '?' })).toBe('help');
    expect(keyAction({ key: 'x' })).toBeNull();
    // Every action has a line in the help overlay.
    for (const a of ['freeze', 'previousModel', 'nextModel', 'toggleView', 'help', 'close']) {
      expect(SHORTCUTS.some((s) => s.action === a)).toBe(true);
    }
  });

  it('leaves keys to text fields and lists, and ignores modified keys', () => {
    expect(keyAction({ key: ' ', target: 'INPUT' })).toBeNull();
    expect(keyAction({ key: 'ArrowRight', target: 'SELECT' })).toBeNull();
    expect(keyAction({ key: 'v', editable: true })).toBeNull();
    expect(keyAction({ key: 'Escape', target: 'TEXTAREA' })).toBe('close');
    expect(keyAction({ key: 'v', ctrlKey: true })).toBeNull();
    expect(keyAction({ key: ' ', target: 'BUTTON' })).toBe('freeze');
  });

});
