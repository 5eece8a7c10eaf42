// The subset of Caffe's protobuf schema ConvScope reads, written here as protobufjs reflection data.
// Field names are the ones prototxt files use (snake_case); field numbers are those of BVLC Caffe's
// caffe.proto (plus permute_param = 202 from the SSD fork). Fields we never need are left out: the
// text parser skips unknown fields and the binary decoder skips unknown field numbers.
import protobuf from 'protobufjs';

const rep = 'repeated';
const msg = (fields: Record<string, { type: string; id: number; rule?: string }>, nested?: object) =>
  nested ? { fields, nested } : { fields };

const descriptor = {
  nested: {
    caffe: {
      nested: {
        BlobShape: msg({ dim: { rule: rep, type: 'int64', id: 1 } }),
        BlobProto: msg({
          shape: { type: 'BlobShape', id: 7 },
          data: { rule: rep, type: 'float', id: 5 },
          double_data: { rule: rep, type: 'double', id: 8 },
          num: { type: 'int32', id: 1 },
          channels: { type: 'int32', id: 2 },
          height: { type: 'int32', id: 3 },
          width: { type: 'int32', id: 4 },
        }),
        Phase: { values: { TRAIN: 0, TEST: 1 } },
        NetStateRule: msg({
          phase: { type: 'Phase', id: 1 },
          min_level: { type: 'int32', id: 2 },
          max_level: { type: 'int32', id: 3 },
          stage: { rule: rep, type: 'string', id: 4 },
          not_stage: { rule: rep, type: 'string', id: 5 },
        }),
        NetParameter: msg({
          name: { type: 'string', id: 1 },
          input: { rule: rep, type: 'string', id: 3 },
          input_shape: { rule: rep, type: 'BlobShape', id: 8 },
          input_dim: { rule: rep, type: 'int32', id: 4 },
          layer: { rule: rep, type: 'LayerParameter', id: 100 },
          layers: { rule: rep, type: 'V1LayerParameter', id: 2 },
        }),
        TransformationParameter: msg({
          scale: { type: 'float', id: 1 },
          mirror: { type: 'bool', id: 2 },
          crop_size: { type: 'uint32', id: 3 },
          mean_file: { type: 'string', id: 4 },
          mean_value: { rule: rep, type: 'float', id: 5 },
          force_color: { type: 'bool', id: 6 },
          force_gray: { type: 'bool', id: 7 },
        }),
        LayerParameter: msg({
          name: { type: 'string', id: 1 },
          type: { type: 'string', id: 2 },
          bottom: { rule: rep, type: 'string', id: 3 },
          top: { rule: rep, type: 'string', id: 4 },
          phase: { type: 'Phase', id: 10 },
          blobs: { rule: rep, type: 'BlobProto', id: 7 },
          include: { rule: rep, type: 'NetStateRule', id: 8 },
          exclude: { rule: rep, type: 'NetStateRule', id: 9 },
          transform_param: { type: 'TransformationParameter', id: 100 },
          batch_norm_param: { type: 'BatchNormParameter', id: 139 },
          bias_param: { type: 'BiasParameter', id: 141 },
          concat_param: { type: 'ConcatParameter', id: 104 },
          convolution_param: { type: 'ConvolutionParameter', id: 106 },
          crop_param: { type: 'CropParameter', id: 144 },
          data_param: { type: 'DataParameter', id: 107 },
          dropout_param: { type: 'DropoutParameter', id: 108 },
          eltwise_param: { type: 'EltwiseParameter', id: 110 },
          elu_param: { type: 'ELUParameter', id: 140 },
          exp_param: { type: 'ExpParameter', id: 111 },
          flatten_param: { type: 'FlattenParameter', id: 135 },
          image_data_param: { type: 'ImageDataParameter', id: 115 },
          inner_product_param: { type: 'InnerProductParameter', id: 117 },
          input_param: { type: 'InputParameter', id: 143 },
          log_param: { type: 'LogParameter', id: 134 },
          lrn_param: { type: 'LRNParameter', id: 118 },
          memory_data_param: { type: 'MemoryDataParameter', id: 119 },
          pooling_param: { type: 'PoolingParameter', id: 121 },
          power_param: { type: 'PowerParameter', id: 122 },
          prelu_param: { type: 'PReLUParameter', id: 131 },
          relu_param: { type: 'ReLUParameter', id: 123 },
          reshape_param: { type: 'ReshapeParameter', id: 133 },
          scale_param: { type: 'ScaleParameter', id: 142 },
          softmax_param: { type: 'SoftmaxParameter', id: 125 },
          slice_param: { type: 'SliceParameter', id: 126 },
          permute_param: { type: 'PermuteParameter', id: 202 },
        }),
        V1LayerParameter: msg(
          {
            name: { type: 'string', id: 4 },
            type: { type: 'LayerType', id: 5 },
            bottom: { rule: rep, type: 'string', id: 2 },
            top: { rule: rep, type: 'string', id: 3 },
            blobs: { rule: rep, type: 'BlobProto', id: 6 },
            include: { rule: rep, type: 'NetStateRule', id: 32 },
            exclude: { rule: rep, type: 'NetStateRule', id: 33 },
            transform_param: { type: 'TransformationParameter', id: 36 },
            concat_param: { type: 'ConcatParameter', id: 9 },
            convolution_param: { type: 'ConvolutionParameter', id: 10 },
            data_param: { type: 'DataParameter', id: 11 },
            dropout_param: { type: 'DropoutParameter', id: 12 },
            eltwise_param: { type: 'EltwiseParameter', id: 24 },
            exp_param: { type: 'ExpParameter', id: 41 },
            image_data_param: { type: 'ImageDataParameter', id: 15 },
            inner_product_param: { type: 'InnerProductParameter', id: 17 },
            lrn_param: { type: 'LRNParameter', id: 18 },
            memory_data_param: { type: 'MemoryDataParameter', id: 22 },
            pooling_param: { type: 'PoolingParameter', id: 19 },
            power_param: { type: 'PowerParameter', id: 21 },
            relu_param: { type: 'ReLUParameter', id: 30 },
            softmax_param: { type: 'SoftmaxParameter', id: 39 },
            slice_param: { type: 'SliceParameter', id: 31 },
          },
          {
            LayerType: {
              values: {
                NONE: 0, ABSVAL: 35, ACCURACY: 1, ARGMAX: 30, BNLL: 2, CONCAT: 3, CONTRASTIVE_LOSS: 37,
                CONVOLUTION: 4, DATA: 5, DECONVOLUTION: 39, DROPOUT: 6, DUMMY_DATA: 32, EUCLIDEAN_LOSS: 7,
                ELTWISE: 25, EXP: 38, FLATTEN: 8, HDF5_DATA: 9, HDF5_OUTPUT: 10, HINGE_LOSS: 28, IM2COL: 11,
                IMAGE_DATA: 12, INFOGAIN_LOSS: 13, INNER_PRODUCT: 14, LRN: 15, MEMORY_DATA: 29,
                MULTINOMIAL_LOGISTIC_LOSS: 16, MVN: 34, POOLING: 17, POWER: 26, RELU: 18, SIGMOID: 19,
                SIGMOID_CROSS_ENTROPY_LOSS: 27, SILENCE: 36, SOFTMAX: 20, SOFTMAX_LOSS: 21, SPLIT: 22,
                SLICE: 33, TANH: 23, WINDOW_DATA: 24, THRESHOLD: 31,
              },
            },
          },
        ),
        ConvolutionParameter: msg({
          num_output: { type: 'uint32', id: 1 },
          bias_term: { type: 'bool', id: 2 },
          pad: { rule: rep, type: 'uint32', id: 3 },
          kernel_size: { rule: rep, type: 'uint32', id: 4 },
          stride: { rule: rep, type: 'uint32', id: 6 },
          dilation: { rule: rep, type: 'uint32', id: 18 },
          pad_h: { type: 'uint32', id: 9 },
          pad_w: { type: 'uint32', id: 10 },
          kernel_h: { type: 'uint32', id: 11 },
          kernel_w: { type: 'uint32', id: 12 },
          stride_h: { type: 'uint32', id: 13 },
          stride_w: { type: 'uint32', id: 14 },
          group: { type: 'uint32', id: 5 },
          axis: { type: 'int32', id: 16 },
        }),
        PoolingParameter: msg(
          {
            pool: { type: 'PoolMethod', id: 1 },
            pad: { type: 'uint32', id: 4 },
            pad_h: { type: 'uint32', id: 9 },
            pad_w: { type: 'uint32', id: 10 },
            kernel_size: { type: 'uint32', id: 2 },
            kernel_h: { type: 'uint32', id: 5 },
            kernel_w: { type: 'uint32', id: 6 },
            stride: { type: 'uint32', id: 3 },
            stride_h: { type: 'uint32', id: 7 },
            stride_w: { type: 'uint32', id: 8 },
            global_pooling: { type: 'bool', id: 12 },
            round_mode: { type: 'RoundMode', id: 13 },
          },
          {
            PoolMethod: { values: { MAX: 0, AVE: 1, STOCHASTIC: 2 } },
            RoundMode: { values: { CEIL: 0, FLOOR: 1 } },
          },
        ),
        InnerProductParameter: msg({
          num_output: { type: 'uint32', id: 1 },
          bias_term: { type: 'bool', id: 2 },
          axis: { type: 'int32', id: 5 },
          transpose: { type: 'bool', id: 6 },
        }),
        ReLUParameter: msg({ negative_slope: { type: 'float', id: 1 } }),
        PReLUParameter: msg({ channel_shared: { type: 'bool', id: 2 } }),
        ELUParameter: msg({ alpha: { type: 'float', id: 1 } }),
        PowerParameter: msg({
          power: { type: 'float', id: 1 },
          scale: { type: 'float', id: 2 },
          shift: { type: 'float', id: 3 },
        }),
        ExpParameter: msg({
          base: { type: 'float', id: 1 },
          scale: { type: 'float', id: 2 },
          shift: { type: 'float', id: 3 },
        }),
        LogParameter: msg({
          base: { type: 'float', id: 1 },
          scale: { type: 'float', id: 2 },
          shift: { type: 'float', id: 3 },
        }),
        SoftmaxParameter: msg({ axis: { type: 'int32', id: 2 } }),
        LRNParameter: msg(
          {
            local_size: { type: 'uint32', id: 1 },
            alpha: { type: 'float', id: 2 },
            beta: { type: 'float', id: 3 },
            norm_region: { type: 'NormRegion', id: 4 },
            k: { type: 'float', id: 5 },
          },
          { NormRegion: { values: { ACROSS_CHANNELS: 0, WITHIN_CHANNEL: 1 } } },
        ),
        BatchNormParameter: msg({
          use_global_stats: { type: 'bool', id: 1 },
          moving_average_fraction: { type: 'float', id: 2 },
          eps: { type: 'float', id: 3 },
        }),
        ScaleParameter: msg({
          axis: { type: 'int32', id: 1 },
          num_axes: { type: 'int32', id: 2 },
          bias_term: { type: 'bool', id: 4 },
        }),
        BiasParameter: msg({
          axis: { type: 'int32', id: 1 },
          num_axes: { type: 'int32', id: 2 },
        }),
        EltwiseParameter: msg(
          {
            operation: { type: 'EltwiseOp', id: 1 },
            coeff: { rule: rep, type: 'float', id: 2 },
          },
          { EltwiseOp: { values: { PROD: 0, SUM: 1, MAX: 2 } } },
        ),
        ConcatParameter: msg({
          axis: { type: 'int32', id: 2 },
          concat_dim: { type: 'uint32', id: 1 },
        }),
        SliceParameter: msg({
          axis: { type: 'int32', id: 3 },
          slice_point: { rule: rep, type: 'uint32', id: 2 },
          slice_dim: { type: 'uint32', id: 1 },
        }),
        FlattenParameter: msg({
          axis: { type: 'int32', id: 1 },
          end_axis: { type: 'int32', id: 2 },
        }),
        ReshapeParameter: msg({
          shape: { type: 'BlobShape', id: 1 },
          axis: { type: 'int32', id: 2 },
          num_axes: { type: 'int32', id: 3 },
        }),
        PermuteParameter: msg({ order: { rule: rep, type: 'uint32', id: 1 } }),
        CropParameter: msg({
          axis: { type: 'int32', id: 1 },
          offset: { rule: rep, type: 'uint32', id: 2 },
        }),
        DropoutParameter: msg({ dropout_ratio: { type: 'float', id: 1 } }),
        InputParameter: msg({ shape: { rule: rep, type: 'BlobShape', id: 1 } }),
        DataParameter: msg({
          batch_size: { type: 'uint32', id: 4 },
          crop_size: { type: 'uint32', id: 5 },
        }),
        ImageDataParameter: msg({
          batch_size: { type: 'uint32', id: 4 },
          crop_size: { type: 'uint32', id: 5 },
          new_height: { type: 'uint32', id: 9 },
          new_width: { type: 'uint32', id: 10 },
          is_color: { type: 'bool', id: 11 },
        }),
        MemoryDataParameter: msg({
          batch_size: { type: 'uint32', id: 1 },
          channels: { type: 'uint32', id: 2 },
          height: { type: 'uint32', id: 3 },
          width: { type: 'uint32', id: 4 },
        }),
      },
    },
  },
};

export const caffeRoot = protobuf.Root.fromJSON(descriptor as unknown as protobuf.INamespace);
caffeRoot.resolveAll();

export function caffeType(name: string): protobuf.Type {
  return caffeRoot.lookupType(`caffe.${name}`);
}

// Plain-object views of decoded messages. Absent optional fields stay undefined: layer parameters
// get caffe.proto's defaults from layers.ts when a handler in ops/ reads them.
export interface BlobShape { dim?: number[] }
export interface BlobProto {
  shape?: BlobShape;
  data?: Float32Array;
  double_data?: Float64Array;
  num?: number;
  channels?: number;
  height?: number;
  width?: number;
}
export interface NetStateRule { phase?: string; stage?: string[]; not_stage?: string[] }
/** Caffe layer (V2 `layer` or V1 `layers`) as decoded; parameters stay loosely typed. */
export interface RawLayer {
  name?: string;
  type?: string;
  bottom?: string[];
  top?: string[];
  blobs?: BlobProto[];
  include?: NetStateRule[];
  exclude?: NetStateRule[];
  [param: string]: unknown;
}
export interface NetParameter {
  name?: string;
  input?: string[];
  input_shape?: BlobShape[];
  input_dim?: number[];
  layer?: RawLayer[];
  layers?: RawLayer[];
}
