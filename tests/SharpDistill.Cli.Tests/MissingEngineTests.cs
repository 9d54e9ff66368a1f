using System.Diagnostics;

namespace SharpDistill.Cli.Tests;

/// <summary>Without the native shim (or libtorch) the CLI says what is missing and how to fix it, with exit code 2.</summary>
public class MissingEngineTests
{
    [Fact]
    public void ACopyWithoutTheNativeShimExplainsHowToInstallIt()
    {
        // A copy of the CLI's binaries outside the source tree, so the loader cannot find native/build either.
        var copy = Directory.CreateTempSubdirectory("sdnolib").FullName;
        try
        {
            foreach (var file in Directory.GetFiles(AppContext.BaseDirectory))
                if (Path.GetFileName(file) != "libsharpdistill_native.so")
                    File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
            var start = new ProcessStartInfo("dotnet", new[] { Path.Combine(copy, "SharpDistill.Cli.dll"), "models" })
            {
                RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            };
            start.Environment.Remove("SHARPDISTILL_NATIVE");
            using var process = Process.Start(start)!;
            var error = process.StandardError.ReadToEnd();
            process.StandardOutput.ReadToEnd();
            Assert.True(process.WaitForExit(60_000), "the CLI did not exit");
            Assert.Equal(2, process.ExitCode);
            Assert.StartsWith("error: Cannot load the SharpDistill native shim", error);
            Assert.Contains("libsharpdistill_native.so was not found", error);
            Assert.Contains("apt-get install libtorch-dev", error);
            Assert.Contains("SHARPDISTILL_TORCH_DIR", error);
            Assert.DoesNotContain("   at ", error); // one readable message, no stack trace
        }
        finally
        {
            Directory.Delete(copy, true);
        }
    }

    [Theory]
    [InlineData("SHARPDISTILL_NATIVE", "/lib/x86_64-linux-gnu/libz.so.1", "is not the SharpDistill native shim")]
    [InlineData("SHARPDISTILL_NATIVE", "/nonexistent/libsharpdistill_native.so", "which does not exist")]
    [InlineData("SHARPDISTILL_THREADS", "many", "SHARPDISTILL_THREADS is 'many': expected a whole number of threads from 1 to 1024")]
    [InlineData("SHARPDISTILL_THREADS", "0", "SHARPDISTILL_THREADS is '0'")]
    [InlineData("SHARPDISTILL_THREADS", "100000", "SHARPDISTILL_THREADS is '100000'")]
    public void ABadEngineVariableIsOneReadableError(string variable, string value, string expected)
    {
        var start = new ProcessStartInfo("dotnet", new[] { Path.Combine(AppContext.BaseDirectory, "SharpDistill.Cli.dll"), "models" })
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        start.Environment[variable] = value;
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEnd();
        process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(60_000), "the CLI did not exit");
        Assert.Equal(2, process.ExitCode);
        Assert.Contains(expected, error);
        Assert.DoesNotContain("   at ", error);
        Assert.DoesNotContain("Exception", error);
    }
}
