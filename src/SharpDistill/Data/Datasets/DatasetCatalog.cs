namespace SharpDistill.Data;

/// <summary>
/// Opens a dataset by name — the names configs and the command line use. Nothing is downloaded: a
/// missing dataset is a <see cref="DatasetNotFoundException"/> that says which files to put where.
/// </summary>
public static class DatasetCatalog
{
    private static readonly Dictionary<string, (Func<bool, string?, IDataset> Open, Normalize Normalize)> Entries =
        new(StringComparer.Ordinal)
        {
            ["fashion-mnist"] = ((train, root) => MnistDatasets.FashionMnist(train, root), Normalize.FashionMnist),
            ["mnist"] = ((train, root) => MnistDatasets.Mnist(train, RequireRoot("mnist", root)), new Normalize([0.1307f], [0.3081f])),
            ["cifar10"] = ((train, root) => CifarDatasets.Cifar10(train, RequireRoot("cifar10", root)),
                new Normalize([0.4914f, 0.4822f, 0.4465f], [0.2470f, 0.2435f, 0.2616f])),
            ["cifar100"] = ((train, root) => CifarDatasets.Cifar100(train, RequireRoot("cifar100", root)), Normalize.Cifar100),
            ["tiny-imagenet"] = ((train, root) => TinyImageNet.Load(train, RequireRoot("tiny-imagenet", root)), Normalize.ImageNet),
            ["imagenet"] = ((train, root) => ImageNet.Load(train, RequireRoot("imagenet", root)), Normalize.ImageNet),
            ["image-folder"] = ((train, root) => new ImageFolderDataset(
                Path.Combine(RequireRoot("image-folder", root), train ? "train" : "val")), Normalize.ImageNet),
            ["stl10"] = ((train, root) => Stl10.Load(train, RequireRoot("stl10", root)), Normalize.Stl10),
        };

    /// <summary>The dataset names <see cref="Open"/> accepts.</summary>
    public static IReadOnlyList<string> Names { get; } = Entries.Keys.Order(StringComparer.Ordinal).ToArray();

    /// <summary>
    /// The train or test/validation split of dataset <paramref name="name"/> under <paramref name="root"/>
    /// (Fashion-MNIST defaults to Debian's location; "image-folder" reads root/train and root/val).
    /// </summary>
    public static IDataset Open(string name, bool train, string? root = null) => Lookup(name).Open(train, root);

    /// <summary>The Normalize statistics the reference recipes use for <paramref name="name"/>.</summary>
    public static Normalize DefaultNormalize(string name) => Lookup(name).Normalize;

    private static (Func<bool, string?, IDataset> Open, Normalize Normalize) Lookup(string name) =>
        Entries.TryGetValue(name, out var entry)
            ? entry
            : throw new ArgumentException($"unknown dataset '{name}'; valid names: {string.Join(", ", Names)}", nameof(name));

    private static string RequireRoot(string name, string? root) =>
        root ?? throw new ArgumentException($"dataset '{name}' needs a root folder (it has no default location)", nameof(root));
}
