namespace SharpDistill.Cli.Tests;

/// <summary>Locates the repository's test data and the shared reference vectors from the test binaries.</summary>
internal static class TestPaths
{
    public const string VectorsVariable = "SHARPDISTILL_VECTORS";

    public static string RepoRoot { get; } = FindRoot();

    /// <summary>The PyTorch-written checkpoints of the library's tests (see make_checkpoints.py there).</summary>
    public static string CheckpointData(string name) =>
        Path.Combine(RepoRoot, "tests", "SharpDistill.Tests", "Checkpoints", "testdata", name);

    /// <summary>
    /// shared/vectors/&lt;fileName&gt;: from the directory in SHARPDISTILL_VECTORS when set, else the
    /// first shared/vectors or ../shared/vectors above the test binary.
    /// </summary>
    public static string Vectors(string fileName)
    {
        var fromEnvironment = Environment.GetEnvironmentVariable(VectorsVariable);
        if (!string.IsNullOrEmpty(fromEnvironment))
        {
            var candidate = Path.Combine(fromEnvironment, fileName);
            return File.Exists(candidate) ? candidate : throw new FileNotFoundException($"{VectorsVariable}={fromEnvironment} has no {fileName}", candidate);
        }
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            foreach (var vectors in new[] { Path.Combine(dir.FullName, "shared", "vectors"), Path.Combine(dir.FullName, "..", "shared", "vectors") })
            {
                var candidate = Path.GetFullPath(Path.Combine(vectors, fileName));
                if (File.Exists(candidate)) return candidate;
            }
        throw new FileNotFoundException(
            $"reference vectors {fileName} not found in shared/vectors or ../shared/vectors above {AppContext.BaseDirectory}; set {VectorsVariable}");
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "SharpDistill.slnx"))) return dir.FullName;
        throw new InvalidOperationException($"cannot find the repository root above {AppContext.BaseDirectory}");
    }
}

/// <summary>A temporary folder deleted with the test.</summary>
internal sealed class TempDirectory : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("sharpdistill-cli-").FullName;

    public string PathOf(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
