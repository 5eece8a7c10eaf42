// Arithmetic layers: Power, Exp, Log (an affine step, then the function) and Eltwise.
import type { LayerContext, LayerHandlers } from './context';

/** One node from tensor `src` to tensor `dst`. */
type Step = (src: string, dst: string) => void;

/**
 * Runs `steps` in order from the layer's input to its output tensor (an Identity when there are
 * none, so the layer keeps a tensor of its own).
 */
function chain(ctx: LayerContext, steps: Step[]): number[][] {
  if (steps.length === 0) steps.push((s, d) => ctx.g.add('Identity', [s], [d]));
  let src = ctx.inputs[0];
  steps.forEach((step, i) => {
    const dst = i === steps.length - 1 ? ctx.out : ctx.g.unique(ctx.tmp(`step${i}`));
    step(src, dst);
    src = dst;
  });
  return [ctx.shapes[0]];
}

/** scale·x + shift, leaving out a factor of 1 and a term of 0. */
function affine(ctx: LayerContext, scale: number, shift: number): Step[] {
  const { g } = ctx;
  const steps: Step[] = [];
  if (scale !== 1) steps.push((s, d) => g.add('Mul', [s, g.constF(ctx.tmp('scale'), [], [scale])], [d]));
  if (shift !== 0) steps.push((s, d) => g.add('Add', [s, g.constF(ctx.tmp('shift'), [], [shift])], [d]));
  return steps;
}

/** Exp's and Log's base: −1 means e; anything else must be positive. Returns ln(base). */
function lnBase(ctx: LayerContext): number {
  const base = ctx.params.num('base');
  if (base === -1) return 1;
  if (!(base > 0)) ctx.err(`base must be positive or -1 (e), got ${base}`);
  return Math.log(base);
}

function power(ctx: LayerContext): number[][] {
  const { g, params: p } = ctx;
  const steps = affine(ctx, p.num('scale'), p.num('shift'));
  const exponent = p.num('power');
  if (exponent !== 1) steps.push((s, d) => g.add('Pow', [s, g.constF(ctx.tmp('power'), [], [exponent])], [d]));
  return chain(ctx, steps);
}

function exp(ctx: LayerContext): number[][] {
  const { g, params: p } = ctx;
  const ln = lnBase(ctx);
  // base^(shift + scale·x) = exp(ln(base)·shift + ln(base)·scale·x)
  const steps = affine(ctx, p.num('scale') * ln, p.num('shift') * ln);
  steps.push((s, d) => g.add('Exp', [s], [d]));
  return chain(ctx, steps);
}

function log(ctx: LayerContext): number[][] {
  const { g, params: p } = ctx;
  const ln = lnBase(ctx);
  const steps = affine(ctx, p.num('scale'), p.num('shift'));
  steps.push((s, d) => g.add('Log', [s], [d]));
  if (ln !== 1) steps.push((s, d) => g.add('Mul', [s, g.constF(ctx.tmp('inv_ln_base'), [], [1 / ln])], [d]));
  return chain(ctx, steps);
}

function eltwise(ctx: LayerContext): number[][] {
  const { g, params: p, inputs } = ctx;
  const op = p.str('operation');
  const coeff = p.nums('coeff');
  if (coeff.length > 0 && coeff.length !== inputs.length) ctx.err(`has ${coeff.length} coefficients for ${inputs.length} inputs`);
  if (coeff.length > 0 && op !== 'SUM') ctx.err('coefficients are only allowed with SUM');
  const terms =
    op === 'SUM' && coeff.some((c) => c !== 1)
      ? inputs.map((x, i) => (coeff[i] === 1 ? x : g.op(ctx.tmp(`term${i}`), 'Mul', [x, g.constF(ctx.tmp(`coeff${i}`), [], [coeff[i]])])))
      : inputs;
  if (op === 'PROD') {
    // Mul is binary: chain it, the last product being the layer's tensor.
    let acc = terms[0];
    for (let i = 1; i < terms.length; i++) {
      const dst = i === terms.length - 1 ? ctx.out : g.unique(ctx.tmp(`prod${i}`));
      g.add('Mul', [acc, terms[i]], [dst]);
      acc = dst;
    }
  } else g.add(op === 'SUM' ? 'Sum' : 'Max', terms, [ctx.out]);
  return [ctx.shapes[0]];
}

export const mathOps: LayerHandlers = { Power: power, Exp: exp, Log: log, Eltwise: eltwise };
