// Which files the window takes as a model comes from the engine's list of formats: the file input
// offers them, a dropped text-format Caffe net (.pbtxt) reaches the importer, and a file no format
// opens is refused with the list of what can be opened.
import type { Page } from '@playwright/test';
import { expect, test } from './support/fixtures';

const banner = (page: Page) => page.locator('[data-testid="error-banner"]');

async function drop(page: Page, files: { name: string; text: string }[]): Promise<void> {
  const dt = await page.evaluateHandle((list) => {
    const d = new DataTransfer();
    for (const f of list) d.items.add(new File([f.text], f.name));
    return d;
  }, files);
  const body = page.locator('body');
  await body.dispatchEvent('dragenter', { dataTransfer: dt });
  await body.dispatchEvent('dragover', { dataTransfer: dt });
  await body.dispatchEvent('drop', { dataTransfer: dt });
}

test('the model files the engine lists are the ones the window takes', async ({ app }) => {
  const accept = (await app.locator('[data-testid="model-file"]').getAttribute('accept')) ?? '';
  for (const ext of ['.onnx', '.prototxt', '.pbtxt', '.caffemodel', '.json']) expect(accept.split(',')).toContain(ext);

  // A net in protobuf text format under .pbtxt goes to the Caffe importer, which reads it and
  // reports what is wrong with these (broken) files by name.
  await drop(app, [
    { name: 'net.pbtxt', text: 'name: "Broken"\ninput: "data"\nlayer { name: "conv1" type: "Convolution"\n' },
    { name: 'w.caffemodel', text: 'not protobuf' },
  ]);
  await expect(banner(app)).toContainText(/Could not load net\.pbtxt \+ w\.caffemodel: /, { timeout: 60_000 });
  await expect(banner(app)).not.toContainText('Not a model ConvScope can open');

  await drop(app, [{ name: 'notes.txt', text: 'hello' }]);
  await expect(banner(app)).toContainText(/Not a model ConvScope can open: notes\.txt\. It opens ONNX: .*; Caffe: /);
});
