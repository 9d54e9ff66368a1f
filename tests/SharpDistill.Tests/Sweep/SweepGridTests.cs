using SharpDistill.Config;
using SharpDistill.Sweep;

namespace SharpDistill.Tests.Sweep;

public class SweepGridTests
{
    [Fact]
    public void ValuesSplitOnTopLevelCommasAndCellsVaryTheLastKeyFastest()
    {
        var stages = SweepGrid.ParseArgument("solver.lr_decay_stages=[2, 3],[4]");
        Assert.Equal(new[] { "[2, 3]", "[4]" }, stages.Values);
        var grid = new SweepGrid(new[] { SweepGrid.ParseArgument("distiller.crld.tau_w=0.5, 0.9"), SweepGrid.ParseArgument("models.teacher=resnet20,resnet56") });
        var cells = grid.Cells();
        Assert.Equal(new[] { "tau_w=0.5, teacher=resnet20", "tau_w=0.5, teacher=resnet56", "tau_w=0.9, teacher=resnet20", "tau_w=0.9, teacher=resnet56" },
            cells.Select(c => c.Label));
        Assert.Equal(new[] { "distiller.crld.tau_w=0.9", "models.teacher=resnet20" }, cells[2].Assignments);
        Assert.Equal("tau_w0.9_teacherresnet20", cells[2].Slug);
    }

    [Theory]
    [InlineData("distiller.crld.tau_ww", "no such config key; did you mean distiller.crld.tau_w?")]
    [InlineData("models.techer", "did you mean models.teacher?")]
    [InlineData("nothing.like.it", "--grid nothing.like.it: no such config key")]
    public void AnUnknownKeyIsNamedWithTheNearestRealOnes(string key, string message)
    {
        var error = Assert.Throws<ConfigException>(() => new SweepGrid(new[] { new SweepAxis(key, new[] { "1" }) }));
        Assert.Contains(message, error.Message);
        Assert.DoesNotContain(" or ", key == "nothing.like.it" ? error.Message : "");
    }

    public static TheoryData<string> ShippedSweeps() => new(
        Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "configs"), "sweep_*.yaml", SearchOption.AllDirectories)
            .Order().Select(p => Path.GetRelativePath(RepoPaths.Root, p)));

    /// <summary>Every cell × seed of a shipped sweep resolves and validates (no training), with each teacher's checkpoint where the file lists one.</summary>
    [Theory]
    [MemberData(nameof(ShippedSweeps))]
    public void EveryCellOfAShippedSweepResolves(string relativePath)
    {
        using var temp = new TempDirectory();
        var parts = SweepFile.Split(Path.Combine(RepoPaths.Root, relativePath), temp.PathOf("settings.yaml"));
        var plan = new SweepPlan
        {
            Grid = new SweepGrid(parts.Grid), ConfigFiles = new[] { temp.PathOf("settings.yaml") }, Seeds = parts.Seeds,
            TeacherCheckpoints = parts.TeacherCheckpoints, OutputDirectory = temp.PathOf("out"),
        };
        var runs = new SweepRunner(plan, _ => { }).Resolve();
        Assert.Equal(plan.Grid.Cells().Count * (parts.Seeds?.Count ?? 1), runs.Count);
        Assert.Equal(runs.Count, runs.Select(r => r.Config.Experiment.Name).Distinct().Count());
        foreach (var (_, _, config) in runs)
            if (parts.TeacherCheckpoints.TryGetValue(config.Models.Teacher, out var checkpoint))
                Assert.Equal(checkpoint, config.Models.TeacherCheckpoint);
        Assert.False(Directory.Exists(temp.PathOf("out"))); // resolving trains nothing and writes nothing
    }
}
