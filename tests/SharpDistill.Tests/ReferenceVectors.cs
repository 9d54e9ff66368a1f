namespace SharpDistill.Tests;

/// <summary>
/// Finds the shared reference vectors (shared/vectors/*.json). The SHARPDISTILL_VECTORS
/// environment variable (a directory holding the files) wins; otherwise the directories above the
/// test binary are searched for shared/vectors or ../shared/vectors, which covers both a checkout
/// with shared/ inside it and one with shared/ beside it.
/// </summary>
internal static class ReferenceVectors
{
    public const string EnvironmentVariable = "SHARPDISTILL_VECTORS";

    public static string Find(string fileName)
    {
        var fromEnv = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrEmpty(fromEnv))
        {
            var candidate = Path.Combine(fromEnv, fileName);
            if (File.Exists(candidate)) return candidate;
            throw new FileNotFoundException($"{EnvironmentVariable}={fromEnv} has no {fileName}", candidate);
        }
        var searched = new List<string>();
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            foreach (var vectors in new[] { Path.Combine(dir.FullName, "shared", "vectors"), Path.Combine(dir.FullName, "..", "shared", "vectors") })
            {
                var candidate = Path.GetFullPath(Path.Combine(vectors, fileName));
                if (File.Exists(candidate)) return candidate;
                searched.Add(candidate);
            }
        }
        throw new FileNotFoundException(
            $"reference vectors {fileName} not found; set {EnvironmentVariable} to the vectors directory. Searched: {string.Join(", ", searched.Distinct())}");
    }
}
