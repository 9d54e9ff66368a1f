using Google.Protobuf;
using Onnx;
using SharpDistill.Torch.NN;

namespace SharpDistill.Export;

/// <summary>What goes into an exported file besides the network.</summary>
public sealed record OnnxExportOptions
{
    /// <summary>Spatial size (height, width) of the input the graph is built for; the batch dimension stays free.</summary>
    public required (long Height, long Width) InputSize { get; init; }

    /// <summary>Input channels.</summary>
    public required long InChannels { get; init; }

    /// <summary>Adds a second output, "features": the pooled penultimate vector [batch, d].</summary>
    public bool WithFeatures { get; init; }

    /// <summary>Key/value pairs stored as the model's metadata_props (normalisation, class names, source...).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();

    /// <summary>Whole-network exports for your own <see cref="Models.ZooModel"/> types, consulted before the zoo's (<see cref="ZooModelExports.All"/>).</summary>
    public IReadOnlyDictionary<Type, NetworkExport>? NetworkExports { get; init; }

    /// <summary>Layer exports for your own layer types, added to <see cref="ModuleExporter.DefaultExports"/>.</summary>
    public IReadOnlyDictionary<Type, LayerExport>? LayerExports { get; init; }
}

/// <summary>
/// Exports an eval-mode network to ONNX (opset 13): input "input" [batch, C, H, W] float32, output
/// "logits" [batch, classes] and optionally "features". The network is written by
/// <see cref="ZooModelExports"/> (a zoo architecture) or, for any other module, by treating it as a
/// layer whose output is the logits (<see cref="ModuleExporter"/>).
/// </summary>
public static class OnnxExporter
{
    public const int Opset = 13;
    public const string InputName = "input", LogitsName = "logits", FeaturesName = "features", BatchDim = "batch";

    /// <summary>Builds the ONNX model of <paramref name="network"/> (which must be in eval mode).</summary>
    public static ModelProto Build(Module network, OnnxExportOptions options)
    {
        if (network.Training)
            throw new OnnxExportException($"{network.GetType().Name} is in training mode; call Eval() before exporting (ONNX holds the inference form)");
        var builder = new OnnxGraphBuilder { InputSize = options.InputSize };
        var layers = options.LayerExports is null
            ? ModuleExporter.DefaultExports
            : ModuleExporter.DefaultExports.Concat(options.LayerExports).GroupBy(e => e.Key).ToDictionary(g => g.Key, g => g.Last().Value);
        var exporter = new ModuleExporter(builder, layers);
        var input = InputName;
        ExportedHeads heads;
        if (options.NetworkExports?.TryGetValue(network.GetType(), out var own) == true) heads = own(exporter, network, input);
        else if (ZooModelExports.All.TryGetValue(network.GetType(), out var export)) heads = export(exporter, network, input);
        else if (options.WithFeatures)
            throw new OnnxExportException($"--with-features needs a zoo architecture; {network.GetType().Name} has no known pooled feature");
        else heads = new ExportedHeads(exporter.Emit(network, input), "");

        var graph = builder.Graph;
        graph.Input.Add(Value(input, ["" + BatchDim, options.InChannels, options.InputSize.Height, options.InputSize.Width]));
        graph.Node.Add(Rename(heads.Logits, LogitsName));
        graph.Output.Add(Value(LogitsName, [BatchDim, null]));
        if (options.WithFeatures)
        {
            graph.Node.Add(Rename(heads.Pooled, FeaturesName));
            graph.Output.Add(Value(FeaturesName, [BatchDim, null]));
        }
        var model = new ModelProto
        {
            IrVersion = 7, // the IR version that goes with opset 13
            ProducerName = "SharpDistill",
            ProducerVersion = typeof(OnnxExporter).Assembly.GetName().Version?.ToString() ?? "",
            Graph = graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        foreach (var (key, value) in options.Metadata) model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        return model;
    }

    /// <summary>
    /// Exports <paramref name="network"/> (a zoo model or your own, e.g. a <see cref="Models.SequentialClassifier"/>)
    /// to <paramref name="path"/> with <paramref name="spec"/> as its serving metadata, so that
    /// <c>sharpdistill predict</c> and any ONNX Runtime program can prepare images for it
    /// (docs/deploy.md lists the keys). The network is exported in eval mode and left in the mode it was in;
    /// the file is written atomically.
    /// </summary>
    /// <param name="extraMetadata">More metadata entries (provenance, say); they may not replace the spec's.</param>
    public static void Export(Models.ZooModel network, ServingSpec spec, string path, bool withFeatures = false,
        IReadOnlyDictionary<string, string>? extraMetadata = null, IReadOnlyDictionary<Type, NetworkExport>? networkExports = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Channels != network.InChannels || spec.NumClasses != network.NumClasses)
            throw new OnnxExportException(
                $"the serving spec says {spec.Channels} channels and {spec.NumClasses} classes, but {network.Name} takes {network.InChannels} and has {network.NumClasses}");
        var metadata = spec.ToMetadata();
        foreach (var (key, value) in extraMetadata ?? new Dictionary<string, string>())
            if (!metadata.TryAdd(key, value)) throw new ArgumentException($"metadata key '{key}' is the serving spec's own", nameof(extraMetadata));
        var wasTraining = network.Training;
        network.Eval();
        try
        {
            var model = Build(network, new OnnxExportOptions
            {
                InputSize = (spec.InputSize, spec.InputSize), InChannels = spec.Channels, WithFeatures = withFeatures,
                Metadata = metadata, NetworkExports = networkExports,
            });
            Write(model, path);
        }
        finally { network.Train(wasTraining); }
    }

    /// <summary>
    /// Writes the model to <paramref name="path"/> through a temporary file in the same folder,
    /// renamed into place only when complete, so a failure never leaves a half-written file.
    /// </summary>
    public static void Write(ModelProto model, string path)
    {
        var full = Path.GetFullPath(path);
        var temporary = full + $".tmp-{Environment.ProcessId}";
        try
        {
            using (var stream = File.Create(temporary)) model.WriteTo(stream);
            File.Move(temporary, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }

    // Outputs get stable public names through Identity nodes, so exporters never need to know them.
    private static NodeProto Rename(string from, string to)
    {
        var node = new NodeProto { OpType = "Identity", Name = "output_" + to };
        node.Input.Add(from);
        node.Output.Add(to);
        return node;
    }

    /// <summary>A float32 tensor value; each dimension is a number, a symbolic name, or null (unknown).</summary>
    private static ValueInfoProto Value(string name, object?[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var dim in dims)
        {
            var d = new TensorShapeProto.Types.Dimension();
            if (dim is string symbol) d.DimParam = symbol;
            else if (dim is long value) d.DimValue = value;
            shape.Dim.Add(d);
        }
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } },
        };
    }
}
