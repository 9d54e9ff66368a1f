namespace SharpDistill.Tests;

/// <summary>Locates the repository root and the shared reference vectors from the test binaries.</summary>
internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "SharpDistill.slnx"))) return dir.FullName;
        throw new InvalidOperationException($"cannot find the repository root above {AppContext.BaseDirectory}");
    }
}
