using SharpDistill.Config;

namespace SharpDistill.Tests.Config;

/// <summary>
/// A checkpoint written before a key existed (here distributed.sync_batch_norm) lacks it in its
/// config; `--resume` compares with absent keys standing for their defaults, so such a run resumes,
/// while a real change of the new key is still refused.
/// </summary>
public class ConfigDiffNewKeyTests
{
    private static readonly IReadOnlyDictionary<string, string> Defaults = ConfigDiff.Flatten(ConfigWriter.ToYaml(new RunConfig()), "defaults");

    /// <summary>Today's resolved default config without its distributed section, as an earlier version wrote it.</summary>
    private static string WithoutDistributedSection()
    {
        var lines = ConfigWriter.ToYaml(new RunConfig()).Split('\n').ToList();
        var start = lines.IndexOf("distributed:");
        Assert.True(start >= 0, "the resolved config has no distributed section");
        lines.RemoveAt(start);
        while (start < lines.Count && lines[start].StartsWith("  ", StringComparison.Ordinal)) lines.RemoveAt(start);
        return string.Join('\n', lines);
    }

    [Fact]
    public void AKeyAbsentFromAnEarlierConfigCountsAsItsDefault()
    {
        var earlier = WithoutDistributedSection();
        var now = ConfigWriter.ToYaml(new RunConfig());
        Assert.Equal("distributed.sync_batch_norm: (absent) -> false", Assert.Single(ConfigDiff.Compare(earlier, now)).ToString());
        Assert.Empty(ConfigDiff.Compare(earlier, now, absentBefore: Defaults));

        var synced = new RunConfig();
        synced.Distributed.SyncBatchNorm = true;
        Assert.Equal("distributed.sync_batch_norm: false -> true",
            Assert.Single(ConfigDiff.Compare(earlier, ConfigWriter.ToYaml(synced), absentBefore: Defaults)).ToString());
    }
}
