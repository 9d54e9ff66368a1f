using System.Diagnostics;
using System.Globalization;

namespace SharpDistill.Training;

/// <summary>
/// An exclusive lock on a run directory for the life of a run, so two runs started with the same
/// output directory cannot write over each other's checkpoints and metrics. The lock is the OS's
/// (an exclusive lock on <c>&lt;run&gt;/.lock</c>, which .NET takes with flock on Linux): it is
/// released when the run ends or its process dies, so a lock left by a killed run is never stale.
/// Who holds it is written beside it (<c>.lock.owner</c>) so that a refusal can name the holder.
/// </summary>
public sealed class RunDirectoryLock : IDisposable
{
    private readonly FileStream handle;
    private readonly string ownerPath;

    private RunDirectoryLock(FileStream handle, string ownerPath)
    {
        this.handle = handle;
        this.ownerPath = ownerPath;
    }

    /// <summary>What the lock found when it was taken: a note for the run's log, or null.</summary>
    public string? Note { get; private init; }

    /// <summary>Takes the lock of <paramref name="runDirectory"/>, or throws a <see cref="RunLockedException"/> naming the holder.</summary>
    public static RunDirectoryLock Acquire(string runDirectory)
    {
        Directory.CreateDirectory(runDirectory);
        var lockPath = Path.Combine(runDirectory, ".lock");
        var ownerPath = Path.Combine(runDirectory, ".lock.owner");
        FileStream handle;
        try
        {
            handle = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e) when (e is not FileNotFoundException and not DirectoryNotFoundException)
        {
            var holder = File.Exists(ownerPath) ? File.ReadAllText(ownerPath).Trim() : "an unknown process";
            throw new RunLockedException(
                $"{runDirectory} is in use by another run ({holder}); wait for it to finish, or choose another experiment.name / output_dir", e);
        }
        // The lock is ours; an owner file still there belongs to a run that ended without cleaning up.
        string? note = null;
        if (File.Exists(ownerPath))
            note = $"the previous run in this directory ({File.ReadAllText(ownerPath).Trim()}) ended without releasing it; its lock was taken over";
        File.WriteAllText(ownerPath, string.Create(CultureInfo.InvariantCulture,
            $"pid {Environment.ProcessId} on {Environment.MachineName}, started {DateTime.UtcNow:yyyy-MM-dd HH:mm:ss} UTC, {Process.GetCurrentProcess().ProcessName}"));
        return new RunDirectoryLock(handle, ownerPath) { Note = note };
    }

    public void Dispose()
    {
        try { File.Delete(ownerPath); } catch (IOException) { }
        handle.Dispose();
    }
}

/// <summary>A run directory is locked by another run.</summary>
public sealed class RunLockedException : IOException
{
    public RunLockedException(string message, Exception? inner = null) : base(message, inner) { }
}
