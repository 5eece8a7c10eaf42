// `formats`: the model formats ConvScope opens, from the importer registry.
import { MANIFEST_EXTENSION, modelFormats } from '../importers/registry';

export function formatsCommand(): string {
  const lines = modelFormats().map((f) => `${f.label} (${f.format}): ${f.extensions.join(' ')} — ${f.description}`);
  lines.push(`manifest: ${MANIFEST_EXTENSION} — optional, with any format: a ConvScope manifest given with the model files or named <model>.json beside them`);
  return lines.join('\n');
}
