using System.Diagnostics;
using System.Runtime.InteropServices;
using SharpDistill.Distributed;

namespace SharpDistill.Cli.Commands;

/// <summary>
/// The local worker processes of `sharpdistill launch`: started with their environment, watched
/// until all exit; the first failure stops the others; a Ctrl-C (SIGINT) or SIGTERM is forwarded
/// to every worker, which then finishes its step, writes its checkpoint (rank 0) and exits.
/// </summary>
internal sealed partial class WorkerGroup : IDisposable
{
    private const int SigInt = 2, SigTerm = 15;
    private readonly List<(int Rank, Process Process)> workers = new();
    private readonly TextWriter error;

    public WorkerGroup(TextWriter error) => this.error = error;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    /// <summary>
    /// Starts the workers. Each runs in its own session (setsid), so a Ctrl-C in the terminal
    /// reaches only the launcher, which forwards it once to every worker (a second one at a worker
    /// would abort it instead of letting it stop cleanly).
    /// </summary>
    public void Start(LaunchPlan plan, IReadOnlyList<string> workerCommand)
    {
        var (program, prefix) = SelfCommand();
        var useSetsid = File.Exists("/usr/bin/setsid");
        for (var local = 0; local < plan.ProcessesPerNode; local++)
        {
            var start = new ProcessStartInfo(useSetsid ? "/usr/bin/setsid" : program) { UseShellExecute = false };
            if (useSetsid) start.ArgumentList.Add(program);
            foreach (var a in prefix.Concat(workerCommand)) start.ArgumentList.Add(a);
            var env = plan.Environment(local);
            foreach (var (name, value) in env) start.Environment[name] = value;
            var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start worker {local}");
            workers.Add((int.Parse(env[DistributedContext.RankVariable]), process));
        }
    }

    /// <summary>How to run this same program again: the apphost, or `dotnet SharpDistill.Cli.dll`.</summary>
    private static (string Program, string[] Prefix) SelfCommand()
    {
        var host = Environment.ProcessPath ?? throw new InvalidOperationException("cannot tell which program is running");
        var entry = System.Reflection.Assembly.GetEntryAssembly()?.Location;
        return Path.GetFileNameWithoutExtension(host) == "dotnet" && !string.IsNullOrEmpty(entry) ? (host, [entry]) : (host, []);
    }

    /// <summary>Forwards a signal to every worker still running.</summary>
    public void Signal(bool terminate)
    {
        foreach (var (_, process) in workers)
            if (!process.HasExited) Kill(process.Id, terminate ? SigTerm : SigInt);
    }

    /// <summary>
    /// Waits for every worker. When one fails, the others are stopped (they could only wait for it)
    /// and its exit code is returned; otherwise the common exit code (0, or 130 after a forwarded Ctrl-C).
    /// </summary>
    public int WaitAll()
    {
        var remaining = workers.ToList();
        var exitCode = 0;
        while (remaining.Count > 0)
        {
            var finished = remaining.FirstOrDefault(w => w.Process.WaitForExit(200));
            if (finished.Process == null) continue;
            remaining.Remove(finished);
            var code = finished.Process.ExitCode;
            if (code == 0 || code == CliErrors.Interrupted)
            {
                if (exitCode == 0) exitCode = code;
                continue;
            }
            error.WriteLine($"error: worker rank {finished.Rank} (pid {finished.Process.Id}) exited with code {code}; stopping the other {remaining.Count} local worker(s)");
            foreach (var (_, process) in remaining)
                if (!process.HasExited) process.Kill(entireProcessTree: true);
            foreach (var (_, process) in remaining) process.WaitForExit();
            return code;
        }
        return exitCode;
    }

    public void Dispose()
    {
        foreach (var (_, process) in workers)
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            process.Dispose();
        }
    }
}
