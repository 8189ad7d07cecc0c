namespace Depthwise.Tensors;

/// <summary>Element types Depthwise computes with. The numbers equal ONNX's <c>TensorProto.DataType</c>.</summary>
public enum DataType : byte
{
    /// <summary>No type (not yet known).</summary>
    Undefined = 0,
    /// <summary>32-bit IEEE float.</summary>
    Float32 = 1,
    /// <summary>Unsigned 8-bit integer (also the storage of asymmetric uint8 quantized tensors).</summary>
    UInt8 = 2,
    /// <summary>Signed 8-bit integer.</summary>
    Int8 = 3,
    /// <summary>Signed 32-bit integer.</summary>
    Int32 = 6,
    /// <summary>Signed 64-bit integer (shapes and indices in ONNX).</summary>
    Int64 = 7,
    /// <summary>Boolean, one byte per element (0 or 1).</summary>
    Bool = 9,
    /// <summary>16-bit IEEE float (<see cref="Half"/>).</summary>
    Float16 = 10,
}
