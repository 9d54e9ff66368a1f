namespace SharpDistill.Torch.Serialization;

/// <summary>
/// Writes a file so that readers see either the old content or the complete new content, never a
/// partial file: the data goes to a temporary file in the same directory, is flushed to disk, and
/// the temporary file is then renamed over the target (an atomic replace on POSIX file systems).
/// </summary>
public static class AtomicFile
{
    public static void Write(string path, Action<Stream> write)
    {
        var fullPath = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(fullPath)!;
        Directory.CreateDirectory(directory);
        var temporary = Path.Combine(directory, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, fullPath, overwrite: true);
        }
        catch
        {
            try { File.Delete(temporary); } catch (IOException) { /* the original error matters more */ }
            throw;
        }
    }
}
