import { For, type JSX } from 'solid-js';
import { SHORTCUTS } from './keys';

export function HelpOverlay(props: { onClose: () => void }): JSX.Element {
  return (
    <div class="overlay" onClick={() => props.onClose()}>
      <div class="dialog help" data-testid="help" role="dialog" aria-label="Help" onClick={(e) => e.stopPropagation()}>
        <h2>ConvScope — what you see</h2>
        <p>
          The camera sends the square you place on its picture to the network. The panels show what the network does with
          it: the crop and the exact input tensor, the class probabilities, feature maps of convolutional layers (one tile
          per map, bright = strong activation) and the neurons of fully connected layers. Hover a cell for its real value;
          click a feature map to overlay it on the crop.
        </p>
        <h3>Keyboard</h3>
        <table>
          <tbody>
            <For each={SHORTCUTS}>
              {(s) => (
                <tr>
                  <td>
                    <For each={s.keys}>{(k) => <kbd>{k}</kbd>}</For>
                  </td>
                  <td>{s.what}</td>
                </tr>
              )}
            </For>
          </tbody>
        </table>
        <h3>Layout</h3>
        <p>
          Drag a panel by its title bar, resize it from its bottom-right corner, change its colour map in its title bar and
          its other options under ⚙. Layouts are saved per model; "Layout" exports or imports one as a JSON file.
        </p>
        <div class="row end">
          <button class="primary" onClick={() => props.onClose()}>
            Close
          </button>
        </div>
      </div>
    </div>
  );
}
