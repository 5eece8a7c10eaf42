// "Input settings" for a model the user opened: how the crop becomes its input tensor and what its
// classes are called. Prefilled with what the engine proposed; saving reloads the model with them.
import { createSignal, Show, type JSX } from 'solid-js';
import { parseAgeLabel } from '../../../src-shared/age';
import type { CropModeSpec, ModelInfo, ModelManifest, Preprocess } from '../../../src-shared/contract';

function numbersOrUndefined(text: string, what: string): number[] | undefined {
  const t = text.trim();
  if (!t) return undefined;
  const parts = t.split(/[\s,]+/).map(Number);
  if (parts.some((x) => !Number.isFinite(x))) throw new Error(`${what}: "${text}" is not a list of numbers`);
  return parts;
}

export function ManifestDialog(props: { model: ModelInfo; onSave: (m: Partial<ModelManifest>) => Promise<boolean>; onClose: () => void }): JSX.Element {
  const m = props.model.manifest;
  const shape = m.input.shape;
  const [c, h, w] = m.input.layout === 'NHWC' ? [shape[3], shape[1], shape[2]] : [shape[1], shape[2], shape[3]];
  const [error, setError] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);
  let fC!: HTMLInputElement, fH!: HTMLInputElement, fW!: HTMLInputElement, fLayout!: HTMLSelectElement, fColour!: HTMLSelectElement;
  let fDigit!: HTMLInputElement, fInvert!: HTMLInputElement, fScale!: HTMLInputElement, fMean!: HTMLInputElement, fStd!: HTMLInputElement;
  let fLabels!: HTMLTextAreaElement, fKind!: HTMLSelectElement, fCrop!: HTMLSelectElement, fMargin!: HTMLInputElement;

  const save = async () => {
    setError(null);
    try {
      const dims = [fC, fH, fW].map((f) => Number(f.value));
      if (dims.some((d) => !Number.isInteger(d) || d < 1)) throw new Error('Input shape: channels, height and width must be whole numbers ≥ 1');
      const [cc, hh, ww] = dims;
      const layout = fLayout.value as 'NCHW' | 'NHWC';
      const colour = fColour.value as Preprocess['colour'];
      if ((colour === 'gray') !== (cc === 1)) throw new Error(`Colour order "${colour}" does not fit ${cc} input channel${cc === 1 ? '' : 's'}`);
      const scale = Number(fScale.value);
      if (!Number.isFinite(scale) || scale === 0) throw new Error(`Scale: "${fScale.value}" is not a non-zero number`);
      const mean = numbersOrUndefined(fMean.value, 'Mean');
      const std = numbersOrUndefined(fStd.value, 'Std');
      for (const [name, v] of [['Mean', mean], ['Std', std]] as const) {
        if (v && v.length !== 1 && v.length !== cc) throw new Error(`${name}: give 1 or ${cc} values, not ${v.length}`);
      }
      const labels = fLabels.value.split('\n').map((l) => l.trim()).filter((l) => l.length > 0);
      if (labels.length === 0) throw new Error('Labels: give one class name per line');
      const preprocess: Preprocess = { ...m.preprocess, colour, digit: fDigit.checked, invert: fInvert.checked, scale };
      if (mean) preprocess.mean = mean.length === 1 ? Array(cc).fill(mean[0]) : mean;
      else delete preprocess.mean;
      if (std) preprocess.std = std.length === 1 ? Array(cc).fill(std[0]) : std;
      else delete preprocess.std;
      const kind = fKind.value as 'classes' | 'age';
      const output: NonNullable<ModelManifest['output']> = { ...m.output, kind };
      const labelsChanged = labels.join('\n') !== props.model.labels.join('\n');
      // Ages the manifest lists stay while the labels do; edited labels are read as ages again.
      if (kind === 'classes' || labelsChanged) delete output.ages;
      if (kind === 'age' && !output.ages) {
        const bad = labels.find((l) => parseAgeLabel(l) === null);
        if (bad !== undefined) throw new Error(`Labels: "${bad}" is not an age or an age range (e.g. 31, 25-32, (25, 32), 60+)`);
      }
      const margin = Number(fMargin.value);
      if (!(margin >= 1 && margin <= 4)) throw new Error(`Face margin: "${fMargin.value}" is not a number from 1 to 4`);
      const crop: CropModeSpec = { mode: fCrop.value as CropModeSpec['mode'], margin };
      const override: Partial<ModelManifest> = {
        input: { ...m.input, layout, shape: layout === 'NHWC' ? [1, hh, ww, cc] : [1, cc, hh, ww] },
        preprocess,
        labels,
        output,
        crop,
      };
      setBusy(true);
      if (await props.onSave(override)) props.onClose();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="overlay">
      <div class="dialog manifest" role="dialog" aria-label="Input settings" data-testid="manifest-dialog">
        <h2>Input settings — {props.model.name}</h2>
        <p class="muted">How the crop becomes this model's input tensor. Prefilled with what ConvScope read from the file.</p>
        <div class="form-grid">
          <label>
            Channels
            <input ref={fC} type="number" min="1" value={c} />
          </label>
          <label>
            Height (px)
            <input ref={fH} type="number" min="1" value={h} />
          </label>
          <label>
            Width (px)
            <input ref={fW} type="number" min="1" value={w} />
          </label>
          <label>
            Tensor layout
            <select ref={fLayout} value={m.input.layout}>
              <option value="NCHW">NCHW (channels first)</option>
              <option value="NHWC">NHWC (channels last)</option>
            </select>
          </label>
          <label>
            Colour order
            <select ref={fColour} value={m.preprocess.colour}>
              <option value="gray">Gray (1 channel)</option>
              <option value="rgb">RGB</option>
              <option value="bgr">BGR (Caffe)</option>
            </select>
          </label>
          <label>
            Scale (multiplied last)
            <input ref={fScale} type="number" step="any" value={m.preprocess.scale ?? 1} />
          </label>
          <label>
            Mean (0–255, per channel)
            <input ref={fMean} type="text" placeholder="e.g. 104, 117, 123" value={(m.preprocess.mean ?? []).join(', ')} />
          </label>
          <label>
            Std (per channel)
            <input ref={fStd} type="text" placeholder="e.g. 58, 57, 57" value={(m.preprocess.std ?? []).join(', ')} />
          </label>
          <label class="check">
            <input ref={fDigit} data-testid="manifest-digit" type="checkbox" checked={!!m.preprocess.digit} />
            Handwritten digit (MNIST-style: centre the ink, white on black)
          </label>
          <label class="check">
            <input ref={fInvert} type="checkbox" checked={!!m.preprocess.invert} />
            Invert (dark ↔ bright)
          </label>
        </div>
        <div class="form-grid">
          <label>
            The classes are
            <select ref={fKind} data-testid="manifest-kind" value={m.output?.kind ?? 'classes'}>
              <option value="classes">Classes (bars)</option>
              <option value="age">Ages (histogram, expected age)</option>
            </select>
          </label>
          <label>
            Crop square
            <select ref={fCrop} data-testid="manifest-crop" value={m.crop?.mode ?? 'manual'}>
              <option value="manual">Placed by hand</option>
              <option value="face">Follows the largest face</option>
            </select>
          </label>
          <label>
            Face margin (× face box)
            <input ref={fMargin} data-testid="manifest-margin" type="number" min="1" max="4" step="0.1" value={m.crop?.margin ?? 1.6} />
          </label>
        </div>
        <label class="labels">
          Class labels (one per line, {props.model.labels.length} now)
          <textarea ref={fLabels} data-testid="manifest-labels" rows="6" value={props.model.labels.join('\n')} />
        </label>
        <Show when={error()}>
          <p class="form-error" role="alert">
            {error()}
          </p>
        </Show>
        <div class="row end">
          <button onClick={() => props.onClose()}>Cancel</button>
          <button class="primary" data-testid="manifest-save" disabled={busy()} onClick={() => void save()}>
            {busy() ? 'Reloading…' : 'Save and reload'}
          </button>
        </div>
      </div>
    </div>
  );
}
