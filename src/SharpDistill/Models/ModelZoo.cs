using SharpDistill.Models.Cifar;
using SharpDistill.Models.ImageNet;

namespace SharpDistill.Models;

/// <summary>One entry of the zoo: its qualified name and what it is.</summary>
/// <param name="Name">The published config name ("resnet32x4", "ResNet50", ...).</param>
/// <param name="Family">Which zoo the name belongs to.</param>
/// <param name="Description">The architecture in a few words.</param>
public sealed record ModelEntry(string Name, ModelFamily Family, string Description)
{
    /// <summary>The registry key: the bare name for CIFAR models, "imagenet/&lt;name&gt;" for ImageNet ones.</summary>
    public string QualifiedName => ModelZoo.Qualify(Family, Name);
}

/// <summary>A zoo model with its parameter count under some options (for listings such as <c>sharpdistill models</c>).</summary>
public sealed record ModelSummary(string QualifiedName, ModelFamily Family, string Description, long Parameters, long NumClasses, int InputSize);

/// <summary>
/// Creates zoo models by their published config names (mdistiller's <c>cifar_model_dict</c> and
/// <c>imagenet_model_dict</c> keys).
/// </summary>
/// <remarks>
/// Two names exist in both zoos: "ResNet18" and "ResNet50" are CIFAR models (resnetv2.py, 3×3 stem)
/// and ImageNet models (torchvision layout). Names are resolved within a <see cref="ModelFamily"/>:
/// <see cref="Create(ModelFamily, string, ModelOptions?)"/> takes the family explicitly (what a
/// trainer does with the dataset of its config), while <see cref="Create(string, ModelOptions?)"/>
/// takes a qualified name: a bare name is a CIFAR model, "imagenet/&lt;name&gt;" an ImageNet one
/// ("cifar/&lt;name&gt;" is accepted too). Names are case-sensitive, as in the reference configs.
/// </remarks>
public static class ModelZoo
{
    private const string ImageNetPrefix = "imagenet/";
    private const string CifarPrefix = "cifar/";

    private sealed record Definition(ModelEntry Entry, Func<ModelOptions, ZooModel> Build);

    private static readonly Definition[] Definitions = BuildDefinitions();

    private static Definition[] BuildDefinitions()
    {
        var list = new List<Definition>();
        void Cifar(string name, string description, Func<string, ModelOptions, ZooModel> build) =>
            list.Add(new(new ModelEntry(name, ModelFamily.Cifar, description), o => build(name, o)));
        void ImageNet(string name, string description, Func<string, ModelOptions, ZooModel> build) =>
            list.Add(new(new ModelEntry(name, ModelFamily.ImageNet, description), o => build(name, o)));

        long[] narrow = { 16, 16, 32, 64 }, wide = { 32, 64, 128, 256 };
        foreach (var depth in new[] { 8, 14, 20, 32, 44, 56, 110 })
            Cifar($"resnet{depth}", $"CIFAR ResNet, depth {depth}, widths 16/32/64", (n, o) => new CifarResNet(n, depth, narrow, o));
        Cifar("resnet8x4", "CIFAR ResNet, depth 8, widths 64/128/256", (n, o) => new CifarResNet(n, 8, wide, o));
        Cifar("resnet32x4", "CIFAR ResNet, depth 32, widths 64/128/256", (n, o) => new CifarResNet(n, 32, wide, o));
        foreach (var (depth, k) in new[] { (16, 1), (16, 2), (40, 1), (40, 2) })
            Cifar($"wrn_{depth}_{k}", $"Wide ResNet, depth {depth}, widen factor {k}", (n, o) => new WideResNet(n, depth, k, o));
        foreach (var name in new[] { "vgg8", "vgg11", "vgg13", "vgg16", "vgg19" })
        {
            var groups = Vgg.Configurations[name];
            Cifar(name, $"VGG-BN, {groups.Sum(g => g.Length)} conv layers", (n, o) => new Vgg(n, groups, o));
        }
        Cifar("MobileNetV2", "MobileNetV2 (mobile_half): expansion 6, width x0.5", (n, o) => new MobileNetV2(n, 6, 0.5, o));
        Cifar("ShuffleV1", "ShuffleNet V1, groups 3, widths 240/480/960", (n, o) => new ShuffleNetV1(n, new long[] { 240, 480, 960 }, new[] { 4, 8, 4 }, 3, o));
        Cifar("ShuffleV2", "ShuffleNet V2, net size 1, widths 116/232/464", (n, o) => new ShuffleNetV2(n, new long[] { 116, 232, 464, 1024 }, new[] { 3, 7, 3 }, o));
        Cifar("ResNet18", "ResNet18 with a CIFAR stem (resnetv2.py)", (n, o) => new CifarResNetV2(n, false, new[] { 2, 2, 2, 2 }, o));
        Cifar("ResNet50", "ResNet50 with a CIFAR stem (resnetv2.py)", (n, o) => new CifarResNetV2(n, true, new[] { 3, 4, 6, 3 }, o));

        ImageNet("ResNet18", "ResNet18, torchvision layout", (n, o) => new ImageNetResNet(n, false, new[] { 2, 2, 2, 2 }, o));
        ImageNet("ResNet34", "ResNet34, torchvision layout", (n, o) => new ImageNetResNet(n, false, new[] { 3, 4, 6, 3 }, o));
        ImageNet("ResNet50", "ResNet50, torchvision layout", (n, o) => new ImageNetResNet(n, true, new[] { 3, 4, 6, 3 }, o));
        ImageNet("ResNet101", "ResNet101, torchvision layout", (n, o) => new ImageNetResNet(n, true, new[] { 3, 4, 23, 3 }, o));
        ImageNet("MobileNetV1", "MobileNetV1, width 1.0", (n, o) => new MobileNetV1(n, o));
        return list.ToArray();
    }

    /// <summary>Every model, CIFAR zoo first.</summary>
    public static IReadOnlyList<ModelEntry> Entries { get; } = Definitions.Select(d => d.Entry).ToArray();

    /// <summary>Every registry key (<see cref="ModelEntry.QualifiedName"/>).</summary>
    public static IReadOnlyList<string> Names { get; } = Entries.Select(e => e.QualifiedName).ToArray();

    /// <summary>The registry key of <paramref name="name"/> in <paramref name="family"/>.</summary>
    public static string Qualify(ModelFamily family, string name) => family == ModelFamily.ImageNet ? ImageNetPrefix + name : name;

    /// <summary>Creates a model from a registry key: a bare name (CIFAR zoo), "cifar/&lt;name&gt;" or "imagenet/&lt;name&gt;".</summary>
    public static ZooModel Create(string qualifiedName, ModelOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(qualifiedName);
        var (family, name) = Split(qualifiedName);
        return Create(family, name, options);
    }

    /// <summary>Creates the model called <paramref name="name"/> in the <paramref name="family"/> zoo.</summary>
    public static ZooModel Create(ModelFamily family, string name, ModelOptions? options = null)
    {
        var definition = Find(family, name);
        return definition.Build(options ?? new ModelOptions());
    }

    /// <summary>The entry of a registry key; throws like <see cref="Create(string, ModelOptions?)"/> for unknown names.</summary>
    public static ModelEntry Describe(string qualifiedName)
    {
        var (family, name) = Split(qualifiedName);
        return Find(family, name).Entry;
    }

    /// <summary>True when <paramref name="qualifiedName"/> names a zoo model.</summary>
    public static bool Contains(string qualifiedName)
    {
        var (family, name) = Split(qualifiedName);
        return Definitions.Any(d => d.Entry.Family == family && d.Entry.Name == name);
    }

    /// <summary>
    /// Every model with its parameter count under <paramref name="options"/> (defaults: each zoo's own
    /// classes). Builds the models one at a time, so it takes a few seconds. A variant that does not
    /// apply to a family (Tiny-ImageNet for ImageNet models) leaves that family out. With
    /// <paramref name="family"/>, only that zoo's models are built and listed.
    /// </summary>
    public static IReadOnlyList<ModelSummary> Summaries(ModelOptions? options = null, ModelFamily? family = null)
    {
        options ??= new ModelOptions();
        var result = new List<ModelSummary>();
        foreach (var definition in Definitions)
        {
            var entry = definition.Entry;
            if (family is not null && entry.Family != family) continue;
            if (entry.Family == ModelFamily.ImageNet && options.Variant != ModelVariant.Standard) continue;
            using var model = definition.Build(options);
            var inputSize = options.Variant == ModelVariant.TinyImageNet ? 64 : model.NativeInputSize;
            result.Add(new ModelSummary(entry.QualifiedName, entry.Family, entry.Description, model.ParameterCount(), model.NumClasses, inputSize));
        }
        return result;
    }

    private static (ModelFamily Family, string Name) Split(string qualifiedName)
    {
        if (qualifiedName.StartsWith(ImageNetPrefix, StringComparison.Ordinal)) return (ModelFamily.ImageNet, qualifiedName[ImageNetPrefix.Length..]);
        if (qualifiedName.StartsWith(CifarPrefix, StringComparison.Ordinal)) return (ModelFamily.Cifar, qualifiedName[CifarPrefix.Length..]);
        return (ModelFamily.Cifar, qualifiedName);
    }

    private static Definition Find(ModelFamily family, string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var match = Definitions.FirstOrDefault(d => d.Entry.Family == family && d.Entry.Name == name);
        if (match is not null) return match;
        var key = Qualify(family, name);
        var hint = Definitions.FirstOrDefault(d => string.Equals(d.Entry.QualifiedName, key, StringComparison.OrdinalIgnoreCase)
                                                   || (d.Entry.Name == name && d.Entry.Family != family));
        var didYouMean = hint is null ? "" : $" Did you mean '{hint.Entry.QualifiedName}'?";
        throw new ArgumentException(
            $"unknown {family} model '{name}'.{didYouMean} Valid names: {string.Join(", ", Names)}", nameof(name));
    }
}
