namespace SharpDistill.Export;

/// <summary>A network (or a part of it) that cannot be written as ONNX; the message names the module.</summary>
public sealed class OnnxExportException(string message) : Exception(message);
