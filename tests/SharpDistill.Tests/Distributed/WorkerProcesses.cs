using System.Diagnostics;
using System.Text;

namespace SharpDistill.Tests.Distributed;

/// <summary>Starts data-parallel workers (the DistributedHost test program) with torchrun's environment variables.</summary>
internal sealed class WorkerProcesses : IDisposable
{
    private readonly List<(Process Process, StringBuilder Output, StringBuilder Error)> workers = new();

    /// <summary>Extra environment variables for every worker started from now on.</summary>
    public Dictionary<string, string> Environment { get; } = new();

    /// <summary>Starts one worker; <paramref name="rank"/> null starts it without any distributed variable.</summary>
    public Process Start(int? rank, int worldSize, int port, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "SharpDistill.DistributedHost.dll"), .. args])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var v in new[] { "RANK", "WORLD_SIZE", "LOCAL_RANK", "MASTER_ADDR", "MASTER_PORT" }) start.Environment.Remove(v);
        start.Environment["SHARPDISTILL_THREADS"] = "1";
        start.Environment["OMP_WAIT_POLICY"] = "PASSIVE";
        if (rank is { } r)
        {
            start.Environment["RANK"] = r.ToString();
            start.Environment["LOCAL_RANK"] = r.ToString();
            start.Environment["WORLD_SIZE"] = worldSize.ToString();
            start.Environment["MASTER_ADDR"] = "127.0.0.1";
            start.Environment["MASTER_PORT"] = port.ToString();
            start.Environment["SHARPDISTILL_DIST_TIMEOUT"] = "20";
        }
        foreach (var (key, value) in Environment) start.Environment[key] = value;
        var process = new Process { StartInfo = start };
        var output = new StringBuilder();
        var error = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data != null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data != null) lock (error) error.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        workers.Add((process, output, error));
        return process;
    }

    public string Output(Process p) { var w = workers.Single(x => x.Process == p); lock (w.Output) return w.Output.ToString(); }
    public string Error(Process p) { var w = workers.Single(x => x.Process == p); lock (w.Error) return w.Error.ToString(); }

    /// <summary>Waits for <paramref name="p"/> and fails with its stderr when it does not exit 0 in time.</summary>
    public void WaitSucceeded(Process p, TimeSpan limit)
    {
        Assert.True(p.WaitForExit(limit), $"worker did not finish within {limit}: {Error(p)}");
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"worker exited {p.ExitCode}: {Error(p)}");
    }

    public void Dispose()
    {
        foreach (var (process, _, _) in workers)
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            process.Dispose();
        }
    }
}
