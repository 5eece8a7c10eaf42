// Type declaration for the `colormap` package (it ships none); only the call we use.
declare module 'colormap' {
  interface ColormapOptions {
    colormap: string;
    nshades: number;
    format: 'rgba' | 'hex' | 'rgbaString' | 'float';
    alpha?: number | number[];
  }
  function colormap(options: ColormapOptions & { format: 'rgba' }): [number, number, number, number][];
  export default colormap;
}
