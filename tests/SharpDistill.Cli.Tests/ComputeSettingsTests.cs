namespace SharpDistill.Cli.Tests;

/// <summary>The compute.* keys from the command line: shown by `config`, refused with one readable error when unknown.</summary>
public class ComputeSettingsTests
{
    [Fact]
    public void ConfigShowsEveryComputeKeyWithItsDefault()
    {
        var result = CliRunner.Run("config");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("compute:", result.Output);
        Assert.Contains("student_precision: fp32", result.Output);
        Assert.Contains("teacher_precision: fp32", result.Output);
        Assert.Contains("memory_format: channels_last", result.Output);
        Assert.Contains("fold_teacher: true", result.Output);
    }

    [Fact]
    public void ConfigTakesBf16AndContiguous()
    {
        var result = CliRunner.Run("config", "--set", "compute.student_precision=bf16", "--set", "compute.memory_format=contiguous");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("student_precision: bf16", result.Output);
        Assert.Contains("memory_format: contiguous", result.Output);
    }

    [Theory]
    [InlineData("compute.student_precision=fp16", "compute.student_precision", "fp32, bf16")]
    [InlineData("compute.teacher_precision=half", "compute.teacher_precision", "fp32, bf16")]
    [InlineData("compute.memory_format=nhwc", "compute.memory_format", "contiguous, channels_last")]
    public void AnUnknownPrecisionOrMemoryFormatIsOneReadableError(string assignment, string key, string allowed)
    {
        var result = CliRunner.Run("config", "--set", assignment);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(key, result.Error);
        Assert.Contains(allowed, result.Error);
        Assert.DoesNotContain("   at ", result.Error); // no stack trace
        Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.StartsWith("error:", StringComparison.Ordinal));
    }

    [Fact]
    public void BenchRefusesAnUnknownMemoryFormat()
    {
        var result = CliRunner.Run("bench", "--memory-format", "nhwc");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("nhwc", result.Error);
        Assert.Contains("channels_last", result.Error);
    }

    [Fact]
    public void BenchRefusesAnUnknownMode()
    {
        var result = CliRunner.Run("bench", "--compare-modes", "--modes", "fp32,fp8");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("unknown mode 'fp8'", result.Error);
        Assert.Contains("bf16+fold+cl", result.Error);
    }
}
