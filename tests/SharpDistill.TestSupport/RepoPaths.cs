namespace SharpDistill.TestSupport;

/// <summary>
/// Paths inside the repository, found from the test binaries. Everything the tests read lives in the
/// repository itself (tests/data/, configs/): a fresh clone runs the whole suite with nothing beside it.
/// </summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>tests/data/ (reference vectors and other committed test data; see tests/data/README.md).</summary>
    public static string TestData(params string[] parts) => Path.Combine([Root, "tests", "data", .. parts]);

    /// <summary>
    /// tests/data/vectors/&lt;fileName&gt;: loss values and gradients, PIL augmentation outputs and model
    /// shapes computed with the published implementations (see tests/data/README.md).
    /// </summary>
    public static string Vectors(string fileName)
    {
        var path = TestData("vectors", fileName);
        return File.Exists(path) ? path : throw new FileNotFoundException($"reference vectors {path} are missing from the repository", path);
    }

    /// <summary>
    /// The PyTorch-written checkpoints of the .pth import tests and the values PyTorch computed for
    /// them (tests/SharpDistill.Tests/TorchImport/testdata, written by make_checkpoints.py there).
    /// </summary>
    public static string TorchCheckpoints(string name = "") =>
        Path.Combine(Root, "tests", "SharpDistill.Tests", "TorchImport", "testdata", name);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "SharpDistill.slnx"))) return dir.FullName;
        throw new InvalidOperationException($"cannot find the repository root (SharpDistill.slnx) above {AppContext.BaseDirectory}");
    }
}
