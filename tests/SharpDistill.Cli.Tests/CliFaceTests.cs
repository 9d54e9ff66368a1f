namespace SharpDistill.Cli.Tests;

/// <summary>The command's name in help, and what an unknown verb does.</summary>
public class CliFaceTests
{
    [Fact]
    public void HelpAndUsageNameTheProgramSharpdistill()
    {
        var root = CliRunner.Run("--help");
        Assert.Equal(0, root.ExitCode);
        Assert.Contains("Usage:\n  sharpdistill [command] [options]", root.Output);
        Assert.Contains("Usage:\n  sharpdistill train [options]", CliRunner.Run("train", "--help").Output);
        Assert.DoesNotContain("SharpDistill.Cli", root.Output + CliRunner.Run("distill", "--help").Output);
    }

    [Theory]
    [InlineData("frobnicate")]
    [InlineData("frobnicate", "--help")]
    [InlineData("frobnicate", "-h")]
    public void AnUnknownVerbIsAnErrorEvenWithHelp(params string[] args)
    {
        var result = CliRunner.Run(args);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("error: unknown verb 'frobnicate'; verbs: train, distill,", result.Error);
        Assert.Equal("", result.Output);
    }
}
