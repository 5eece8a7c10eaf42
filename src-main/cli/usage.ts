// The command line's help text.
export const USAGE = `usage:
  convscope formats
  convscope convert <model files…> [--mean mean.binaryproto] [--input-shape 1,3,H,W] -o <model.onnx>
  convscope activations --model <model files…> --input <image.png | photo.jpg | tensor.npy> --out <dir> [--manifest m.json]

  formats        lists the model formats and the files that make one model of each.
  --input-shape  for nets whose files do not say the input size (e.g. a Caffe net with an LMDB Data layer).
  --model        the files of one model. Its manifest is --manifest, else a .json given with the files,
                 else <name>.json beside the model, else a manifest.json in its folder that names it;
                 without one, ConvScope proposes a manifest from the model.
  --input        a PNG or JPEG image (the manifest's preprocessing applies) or a float32 .npy tensor
                 used as-is in the model's input layout, batch included.
  --out          folder for one <layer>.npy per layer (NCHW, batch first) and summary.json.`;
