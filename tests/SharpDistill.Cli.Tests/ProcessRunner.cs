using System.Diagnostics;

namespace SharpDistill.Cli.Tests;

/// <summary>Runs a child process (dotnet, a built sample) with captured output and a time limit.</summary>
internal static class ProcessRunner
{
    public static CliResult Run(string fileName, IEnumerable<string> arguments, string workingDirectory, TimeSpan limit,
        IReadOnlyDictionary<string, string?>? environment = null)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null) start.Environment.Remove(key);
            else start.Environment[key] = value;
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {fileName}");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(limit))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            return new CliResult(-1, output.Result, $"{error.Result}\n(killed after {limit.TotalSeconds:0} s: {fileName} {string.Join(' ', arguments)})");
        }
        process.WaitForExit();
        return new CliResult(process.ExitCode, output.Result, error.Result);
    }
}
