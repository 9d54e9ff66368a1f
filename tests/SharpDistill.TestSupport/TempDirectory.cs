namespace SharpDistill.TestSupport;

/// <summary>A fresh temporary folder, deleted with everything in it when disposed.</summary>
public sealed class TempDirectory : IDisposable
{
    public string Path { get; } = System.IO.Directory.CreateTempSubdirectory("sharpdistill-test-").FullName;

    /// <summary>The path of <paramref name="name"/> inside the folder (nothing is created).</summary>
    public string PathOf(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>The path of a file below the folder (nothing is created).</summary>
    public string File(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    /// <summary>A sub-folder, created with its parents.</summary>
    public string Directory(params string[] parts)
    {
        var dir = File(parts);
        System.IO.Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>Writes <paramref name="bytes"/> to a file of the folder and returns its path.</summary>
    public string Write(string name, byte[] bytes)
    {
        var path = PathOf(name);
        System.IO.File.WriteAllBytes(path, bytes);
        return path;
    }

    public void Dispose()
    {
        try { System.IO.Directory.Delete(Path, recursive: true); }
        catch (IOException) { } // a file still open on a slow finalizer must not fail the test that used it
    }
}
