using SharpDistill.Config;
using SharpDistill.Study;

namespace SharpDistill.Tests.Study;

/// <summary>What the main job (./run.sh -> configs/fashion_mnist/study.yaml) promises in the README.</summary>
public class MainJobConfigTests
{
    [Fact]
    public void TheMainJobRunsAtLeastThreeSeedsAndWarmsDkdUpOverTheWholeRun()
    {
        var file = Path.Combine(RepoPaths.Root, "configs/fashion_mnist/study.yaml");
        var runSettings = Path.Combine(Path.GetTempPath(), $"sd-main-{Guid.NewGuid():N}.yaml");
        try
        {
            var seeds = StudySeeds.SplitFile(file, runSettings);
            Assert.NotNull(seeds);
            Assert.True(seeds!.Count >= 3, $"the main job runs {seeds.Count} seeds");
            var config = RunConfig.Load(new[] { runSettings }, Array.Empty<string>());
            Assert.Equal(config.Solver.Epochs, config.Distiller.Settings<SharpDistill.Distillers.DkdSettings>().Warmup);
            Assert.DoesNotContain("seeds", File.ReadAllText(runSettings));
        }
        finally
        {
            File.Delete(runSettings);
        }
    }
}
