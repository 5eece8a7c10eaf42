// Core layers: Dense (on any rank: Keras applies the kernel to the last axis) and the layers that
// are the identity at inference (Dropout and its kin, noise, ActivityRegularization).
import { attr } from '../../../onnx/graph-builder';
import { fusedActivation } from './activation';
import { permute, type OpHandler, type Value } from './types';

export const coreOps: OpHandler[] = [
  {
    classes: ['Dense'],
    convert: (ctx): Value => {
      const x = ctx.inputs[0];
      const k = ctx.w('kernel');
      if (k.shape.length !== 2) ctx.fail(`kernel has shape [${k.shape}], expected 2 dimensions`);
      const [nin, nout] = k.shape;
      const rank = x.shape.length;
      const last = x.shape[rank - 1];
      if (last !== null && last !== nin) ctx.fail(`kernel expects ${nin} inputs, the input's last axis has ${last}`);
      const { b } = ctx;
      let bias: Float32Array | undefined;
      if (ctx.cfg.bool('use_bias')) {
        bias = ctx.w('bias').data;
        if (bias.length !== nout) ctx.fail(`bias has ${bias.length} values, expected ${nout}`);
      }
      let name: string;
      if (rank === 2) {
        // Gemm takes the (in, out) kernel as it is stored.
        name = b.op(`${ctx.base}/gemm`, 'Gemm', [x.name, b.constF(`${ctx.base}/kernel`, [nin, nout], k.data), ...(bias ? [b.constF(`${ctx.base}/bias`, [nout], bias)] : [])]);
      } else if (rank === 4) {
        // Over the channels of an NCHW image: a 1×1 convolution.
        const w = permute(k.data, k.shape, [1, 0]);
        name = b.op(`${ctx.base}/conv`, 'Conv', [x.name, b.constF(`${ctx.base}/kernel`, [nout, nin, 1, 1], w.data), ...(bias ? [b.constF(`${ctx.base}/bias`, [nout], bias)] : [])], [attr.ints('kernel_shape', [1, 1])]);
      } else {
        name = b.op(`${ctx.base}/matmul`, 'MatMul', [x.name, b.constF(`${ctx.base}/kernel`, [nin, nout], k.data)]);
        if (bias) name = b.op(`${ctx.base}/biased`, 'Add', [name, b.constF(`${ctx.base}/bias`, [nout], bias)]);
      }
      return fusedActivation(ctx, { name, shape: [...x.shape.slice(0, -1), nout] });
    },
  },
  {
    classes: ['Dropout', 'SpatialDropout1D', 'SpatialDropout2D', 'GaussianNoise', 'GaussianDropout', 'AlphaDropout', 'ActivityRegularization'],
    convert: (ctx): Value => ctx.inputs[0],
  },
];
