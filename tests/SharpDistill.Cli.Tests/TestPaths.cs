namespace SharpDistill.Cli.Tests;

/// <summary>Test data of the CLI tests, all inside the repository.</summary>
internal static class TestPaths
{
    public static string RepoRoot => RepoPaths.Root;

    /// <summary>The PyTorch-written checkpoints of the library's tests (see make_checkpoints.py there).</summary>
    public static string CheckpointData(string name) => RepoPaths.TorchCheckpoints(name);

    /// <summary>tests/data/vectors/&lt;fileName&gt; (reference vectors; see tests/data/README.md).</summary>
    public static string Vectors(string fileName) => RepoPaths.Vectors(fileName);
}
