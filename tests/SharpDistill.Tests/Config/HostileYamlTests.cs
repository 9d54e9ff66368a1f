using SharpDistill.Config;

namespace SharpDistill.Tests.Config;

/// <summary>Config YAML built to hurt the reader: one ConfigException each, never a crash.</summary>
public class HostileYamlTests
{
    private static ConfigException Refused(string yaml)
    {
        using var temp = new TempDirectory();
        var path = temp.PathOf("hostile.yaml");
        File.WriteAllText(path, yaml);
        return Assert.Throws<ConfigException>(() => RunConfig.Load([path], []));
    }

    [Fact]
    public void DeepNestingIsRefusedNotAStackOverflow()
    {
        // YamlDotNet builds its tree recursively: 100,000 levels overflowed the stack.
        var e = Refused("solver:\n  lr_decay_stages: " + new string('[', 100_000) + new string(']', 100_000) + "\n");
        Assert.Contains($"nested more than {YamlDocumentReader.MaxDepth} levels", e.Message);
    }

    [Theory]
    [InlineData("? {a: 1}\n: 2\n")]
    [InlineData("{[1, 2]: 3}\n")]
    [InlineData("experiment:\n  ? [seed]\n  : 1\n")]
    public void AMappingOrSequenceAsAKeyIsAConfigError(string yaml) =>
        Assert.Contains("used as a key", Refused(yaml).Message);

    [Fact]
    public void ASecondDocumentIsRefusedNotIgnored()
    {
        var e = Refused("experiment:\n  seed: 1\n---\nexperiment:\n  seed: 2\n");
        Assert.Contains("a second YAML document starts at line 3", e.Message);
    }

    [Fact]
    public void AHugeFileIsRefusedBeforeItIsRead()
    {
        using var temp = new TempDirectory();
        var path = temp.PathOf("huge.yaml");
        using (var file = File.Create(path)) file.SetLength(50L << 20); // 50 MB of NULs
        var before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<ConfigException>(() => RunConfig.Load([path], []));
        Assert.Contains("at most 1048576", e.Message);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 8 << 20, "the refusal read the file");
    }

    [Fact]
    public void NestingWithinTheLimitAndAliasesStillWork()
    {
        using var temp = new TempDirectory();
        var path = temp.PathOf("ok.yaml");
        File.WriteAllText(path, "solver:\n  lr_decay_stages: &stages [2, 4]\n  epochs: 6\nlog:\n  progress: false\n");
        var config = RunConfig.Load([path], ["solver.lr_decay_stages=[3]"]);
        Assert.Equal([3], config.Solver.LrDecayStages);
        Assert.Equal(6, config.Solver.Epochs);
    }

    [Fact]
    public void SetValuesAreBoundedToo()
    {
        var e = Assert.Throws<ConfigException>(() => RunConfig.Load([], ["solver.lr_decay_stages=" + new string('[', 10_000) + new string(']', 10_000)]));
        Assert.Contains("nested more than", e.Message);
        Assert.Contains("--set solver.lr_decay_stages", e.Message);
    }

    [Fact]
    public void ACheckpointsEmbeddedConfigIsReadWithoutATemporaryFile()
    {
        var config = RunConfig.Load(("solver:\n  epochs: 7\n", "the config inside c.safetensors"), [], []);
        Assert.Equal(7, config.Solver.Epochs);
        var e = Assert.Throws<ConfigException>(() => RunConfig.Load(("a: 1\n---\nb: 2\n", "the config inside c.safetensors"), [], []));
        Assert.StartsWith("the config inside c.safetensors", e.Message);
    }

    [Fact]
    public void MalformedInputThatYamlDotNetRejectsWithOtherExceptionTypesIsAConfigError()
    {
        // Found by the fuzz tests (YAML mutant #5323 of seed 99): YamlDotNet threw ArgumentException.
        byte[] mutant = [35, 32, 70, 97, 115, 104, 105, 111, 110, 45, 77, 78, 73, 83, 84, 32, 0, 0, 0, 0, 58, 32, 114, 101,
            115, 110, 101, 116, 50, 48, 32, 45, 62, 20, 178, 32, 114, 101];
        using var temp = new TempDirectory();
        var path = temp.Write("mutant.yaml", mutant);
        Assert.Contains("invalid YAML", Assert.Throws<ConfigException>(() => RunConfig.Load([path], [])).Message);
    }
}
