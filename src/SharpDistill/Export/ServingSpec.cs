using System.Globalization;
using System.Text.Json;
using SharpDistill.Config;
using SharpDistill.Data;
using SharpDistill.Data.Transforms;
using SharpDistill.Training;

namespace SharpDistill.Export;

/// <summary>
/// What a consumer of a trained network needs besides its weights: the input it expects (channels,
/// size), how an image of any size becomes that input (the eval transform: optional resize of the
/// shorter side, then a centre crop or a plain resize) and its normalisation, and the class names.
/// Written into an exported file's metadata and read back from it by <c>predict</c>, so an .onnx and
/// a checkpoint are served the same way.
/// </summary>
public sealed record ServingSpec
{
    /// <summary>The network's name (a zoo name, or your own model's).</summary>
    public required string Model { get; init; }
    /// <summary>Input channels: 1 (grayscale) or 3 (RGB).</summary>
    public required int Channels { get; init; }
    /// <summary>Height and width of the network input.</summary>
    public required int InputSize { get; init; }
    /// <summary>When set, the shorter side is resized to this first and the centre <see cref="InputSize"/> square cropped (ImageNet eval).</summary>
    public int? ResizeShorterSide { get; init; }
    /// <summary>Per-channel mean and std of pixels scaled to [0, 1], subtracted and divided by before the network.</summary>
    public required IReadOnlyList<float> Mean { get; init; }
    public required IReadOnlyList<float> Std { get; init; }
    /// <summary>Class names in label order, or empty when the dataset has none at hand.</summary>
    public IReadOnlyList<string> ClassNames { get; init; } = [];
    /// <summary>The network's outputs.</summary>
    public required int NumClasses { get; init; }

    private const string Prefix = "sharpdistill.";

    /// <summary>The spec of a network trained with <paramref name="config"/>.</summary>
    public static ServingSpec FromConfig(RunConfig config, string model, int numClasses, int channels)
    {
        var catalog = RunFactory.CatalogName(config.Dataset.Name);
        var normalize = DatasetCatalog.DefaultNormalize(catalog);
        var (size, resize) = config.Dataset.Name switch
        {
            DatasetName.FashionMnist or DatasetName.Mnist => (28, (int?)null),
            DatasetName.Cifar10 or DatasetName.Cifar100 => (32, null),
            DatasetName.TinyImagenet => (64, null),
            _ => (224, 256), // ImageNet and image folders: resize 256, centre crop 224 (RunFactory.TestLoader)
        };
        return new ServingSpec
        {
            Model = model, Channels = channels, InputSize = size, ResizeShorterSide = resize,
            Mean = normalize.Mean, Std = normalize.Std, ClassNames = TryClassNames(config, numClasses), NumClasses = numClasses,
        };
    }

    // Class names come from the dataset itself (Fashion-MNIST's are fixed; CIFAR-100's are in its
    // meta file); when the dataset is not on this machine the export simply has none.
    private static IReadOnlyList<string> TryClassNames(RunConfig config, int numClasses)
    {
        try
        {
            var names = RunFactory.OpenSplit(config, train: false).ClassNames;
            return names.Count == numClasses ? names : [];
        }
        catch (Exception e) when (e is DatasetException or ArgumentException or IOException)
        {
            return [];
        }
    }

    /// <summary>The eval transform as an image pipeline: decode → (resize + crop | resize) → normalise.</summary>
    public ImagePipeline Pipeline() => ResizeShorterSide is { } shorter
        ? new ImagePipeline(new Normalize(Mean.ToArray(), Std.ToArray()), ViewPipelines.ImageNetEval(shorter, InputSize))
        : new ImagePipeline(new Normalize(Mean.ToArray(), Std.ToArray()), Resize.To(InputSize, InputSize));

    /// <summary>The spec as ONNX metadata_props entries (JSON values).</summary>
    public Dictionary<string, string> ToMetadata() => new()
    {
        [Prefix + "model"] = Model,
        ["input_name"] = OnnxExporter.InputName,
        ["input_shape"] = JsonSerializer.Serialize(new object[] { "batch", Channels, InputSize, InputSize }),
        ["mean"] = JsonSerializer.Serialize(Mean),
        ["std"] = JsonSerializer.Serialize(Std),
        ["class_names"] = JsonSerializer.Serialize(ClassNames),
        [Prefix + "num_classes"] = NumClasses.ToString(CultureInfo.InvariantCulture),
        [Prefix + "resize_shorter_side"] = ResizeShorterSide?.ToString(CultureInfo.InvariantCulture) ?? "",
    };

    /// <summary>Reads a spec back from metadata written by <see cref="ToMetadata"/>; <paramref name="source"/> names the file in errors.</summary>
    public static ServingSpec FromMetadata(IReadOnlyDictionary<string, string> metadata, string source)
    {
        string Get(string key) => metadata.TryGetValue(key, out var v)
            ? v
            : throw new InvalidDataException($"{source} is not an ONNX file exported by SharpDistill: its metadata has no '{key}'");
        T Json<T>(string key)
        {
            try { return JsonSerializer.Deserialize<T>(Get(key)) ?? throw new JsonException("null"); }
            catch (JsonException e) { throw new InvalidDataException($"{source}: metadata '{key}' is not valid ({e.Message})"); }
        }
        var shape = Json<JsonElement[]>("input_shape");
        if (shape.Length != 4 || shape[1].ValueKind != JsonValueKind.Number || shape[2].ValueKind != JsonValueKind.Number)
            throw new InvalidDataException($"{source}: metadata 'input_shape' must be [batch, C, H, W]");
        var resize = Get(Prefix + "resize_shorter_side");
        return new ServingSpec
        {
            Model = Get(Prefix + "model"), Channels = shape[1].GetInt32(), InputSize = shape[2].GetInt32(),
            ResizeShorterSide = resize.Length == 0 ? null : int.Parse(resize, CultureInfo.InvariantCulture),
            Mean = Json<float[]>("mean"), Std = Json<float[]>("std"), ClassNames = Json<string[]>("class_names"),
            NumClasses = int.Parse(Get(Prefix + "num_classes"), CultureInfo.InvariantCulture),
        };
    }
}
