// Quads sampling a single-channel activation texture and colouring it through a LUT texture in the
// fragment shader: one mesh (one draw call) per panel however many maps or neurons it shows.
import { GlProgram, Mesh, MeshGeometry, Shader, UniformGroup, type BufferImageSource } from 'pixi.js';
import type { ColourMap } from './colourMaps';
import type { Rect } from './geometry';
import { lutTexture } from './textures';

const vertex = /* glsl */ `
in vec2 aPosition;
in vec2 aUV;
out vec2 vUV;
uniform mat3 uProjectionMatrix;
uniform mat3 uWorldTransformMatrix;
uniform mat3 uTransformMatrix;
void main() {
  mat3 mvp = uProjectionMatrix * uWorldTransformMatrix * uTransformMatrix;
  gl_Position = vec4((mvp * vec3(aPosition, 1.0)).xy, 0.0, 1.0);
  vUV = aUV;
}
`;

// The byte (0–1 after normalisation) indexes the centre of one of the LUT's 256 texels.
const fragment = /* glsl */ `
in vec2 vUV;
out vec4 finalColor;
uniform sampler2D uData;
uniform sampler2D uLut;
uniform float uAlpha;
void main() {
  float v = texture(uData, vUV).r;
  vec3 c = texture(uLut, vec2((v * 255.0 + 0.5) / 256.0, 0.5)).rgb;
  finalColor = vec4(c * uAlpha, uAlpha);
}
`;

let program: GlProgram | null = null;
const glProgram = () => (program ??= GlProgram.from({ vertex, fragment, name: 'convscope-colour-map' }));

export class ColourTiles extends Mesh<MeshGeometry, Shader> {
  private params: UniformGroup<{ uAlpha: { value: number; type: 'f32' } }>;
  private source: BufferImageSource;

  constructor(data: BufferImageSource, colourMap: ColourMap, alpha = 1) {
    const params = new UniformGroup({ uAlpha: { value: alpha, type: 'f32' as const } });
    const shader = new Shader({
      glProgram: glProgram(),
      resources: { uData: data, uLut: lutTexture(colourMap), params },
    });
    super({ geometry: new MeshGeometry({ positions: new Float32Array(8), uvs: new Float32Array(8), indices: new Uint32Array(6) }), shader });
    this.params = params;
    this.source = data;
  }

  /** Also frees the activation texture and geometry (the shared LUT textures stay). */
  override destroy(options?: Parameters<Mesh['destroy']>[0]): void {
    const geometry = this.geometry;
    const shader = this.shader;
    const source = this.source;
    super.destroy(options);
    // With its buffers: a geometry's own destroy() leaves them (and their GPU copies) alive.
    geometry.destroy(true);
    shader?.destroy();
    source.destroy();
  }

  set colourMap(name: ColourMap) {
    this.shader!.resources.uLut = lutTexture(name);
  }

  set data(source: BufferImageSource) {
    this.shader!.resources.uData = source;
    this.source = source;
  }

  set opacity(a: number) {
    this.params.uniforms.uAlpha = a;
  }

  /**
   * Replaces the quads: quad i covers `rects[i]` (scene units) and shows texels `texels[i]` of the
   * data texture (texW × texH). Called when the layout changes, never per frame.
   */
  setQuads(rects: readonly Rect[], texels: readonly Rect[], texW: number, texH: number): void {
    const n = rects.length;
    const pos = new Float32Array(n * 8);
    const uv = new Float32Array(n * 8);
    const idx = new Uint32Array(n * 6);
    for (let i = 0; i < n; i++) {
      const r = rects[i];
      const t = texels[i];
      const u0 = t.x / texW;
      const v0 = t.y / texH;
      const u1 = (t.x + t.w) / texW;
      const v1 = (t.y + t.h) / texH;
      pos.set([r.x, r.y, r.x + r.w, r.y, r.x + r.w, r.y + r.h, r.x, r.y + r.h], i * 8);
      uv.set([u0, v0, u1, v0, u1, v1, u0, v1], i * 8);
      const b = i * 4;
      idx.set([b, b + 1, b + 2, b, b + 2, b + 3], i * 6);
    }
    const old = this.geometry;
    this.geometry = new MeshGeometry({ positions: pos, uvs: uv, indices: idx, shrinkBuffersToFit: true });
    old.destroy(true);
  }
}
