using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using SharpDistill.Export;

namespace SharpDistill.Cli.Commands;

/// <summary>An ONNX file exported by SharpDistill, opened in ONNX Runtime with its serving spec.</summary>
internal sealed class OnnxClassifier : IDisposable
{
    private readonly InferenceSession session;

    private OnnxClassifier(InferenceSession session, ServingSpec spec)
    {
        this.session = session;
        Spec = spec;
    }

    public ServingSpec Spec { get; }

    /// <summary>Opens <paramref name="path"/>; a file ONNX Runtime cannot load, or one without our metadata, is an error naming it.</summary>
    public static OnnxClassifier Open(string path)
    {
        InferenceSession session;
        try { session = new InferenceSession(path); }
        catch (OnnxRuntimeException e) { throw new InvalidDataException($"{path} is not a loadable ONNX model: {e.Message}"); }
        try
        {
            var spec = ServingSpec.FromMetadata(session.ModelMetadata.CustomMetadataMap, path);
            if (!session.InputMetadata.ContainsKey(OnnxExporter.InputName) || !session.OutputMetadata.ContainsKey(OnnxExporter.LogitsName))
                throw new InvalidDataException($"{path} has no '{OnnxExporter.InputName}' input or '{OnnxExporter.LogitsName}' output: it was not exported by SharpDistill");
            return new OnnxClassifier(session, spec);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>Logits [N, classes] flattened.</summary>
    public float[] Run(float[] batch, int count)
    {
        var tensor = new DenseTensor<float>(batch, [count, Spec.Channels, Spec.InputSize, Spec.InputSize]);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor(OnnxExporter.InputName, tensor)], [OnnxExporter.LogitsName]);
        return results.First().AsEnumerable<float>().ToArray();
    }

    public void Dispose() => session.Dispose();
}
