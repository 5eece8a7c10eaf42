// The command line's help text.
export const USAGE = `usage:
  convscope formats
  convscope convert <model files…> [--mean mean.binaryproto] [--input-shape 1,3,H,W] -o <model.onnx>
  convscope activations --model <model files…> --input <image.png | photo.jpg | tensor.npy> --out <dir> [--manifest m.json]
  convscope faces --input <photo.jpg | image.png> [--min-face 0.125] [--thresholds 0.6,0.7]

  formats        lists the model formats and the files that make one model of each.
  --input-shape  for nets whose files do not say the input size (e.g. a Caffe net with an LMDB Data layer).
  --model        the files of one model. Its manifest is --manifest, else a .json given with the files,
                 else <name>.json beside the model, else a manifest.json in its folder that names it;
                 without one, ConvScope proposes a manifest from the model.
  --input        a PNG or JPEG image (the manifest's preprocessing applies) or a float32 .npy tensor
                 used as-is in the model's input layout, batch included.
  --out          folder for one <layer>.npy per layer (NCHW, batch first) and summary.json.
  faces          finds faces (MTCNN P-Net + R-Net) and prints {"faces":[{"box":[x,y,w,h],"score":0.99},…]}:
                 square boxes in pixels of the image (to 0.1 px), largest first. Photos whose shorter side
                 is over 480 px are searched in a copy scaled down to 480.
  --min-face     smallest face looked for, as a fraction of the image's shorter side (default 0.125).
  --thresholds   the scores a face must reach in P-Net and in R-Net (default 0.6,0.7).`;
