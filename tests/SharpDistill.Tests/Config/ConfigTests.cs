using SharpDistill.Config;
using SharpDistill.Distillers;
using SharpDistill.Distillers.Losses;

namespace SharpDistill.Tests.Config;

public class ConfigTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("sdcfg").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void DefaultsAreThePublishedCrldRecipe()
    {
        var c = new RunConfig();
        Assert.Equal(240, c.Solver.Epochs);
        Assert.Equal(0.05, c.Solver.Lr);
        Assert.Equal(new[] { 150, 180, 210 }, c.Solver.LrDecayStages);
        Assert.Equal(5e-4, c.Solver.WeightDecay);
        Assert.Equal((1.0, 2.0, 0.5, 4.0, 0.9, 0.2),
            (c.Distiller.Settings<CrldSettings>().CeWeight, c.Distiller.Settings<CrldSettings>().WvWeight, c.Distiller.Settings<CrldSettings>().CvWeight, c.Distiller.Settings<CrldSettings>().Temperature,
             c.Distiller.Settings<CrldSettings>().TauW, c.Distiller.Settings<CrldSettings>().TauS));
    }

    [Fact]
    public void YamlOverridesOnlyWhatItNames()
    {
        var path = Write("a.yaml", "solver:\n  lr: 0.01\n  lr_decay_stages: [30, 60]\ndistiller:\n  method: dkd\n  dkd:\n    beta: 2\n");
        var c = RunConfig.Load(new[] { path }, Array.Empty<string>());
        Assert.Equal(0.01, c.Solver.Lr);
        Assert.Equal(new[] { 30, 60 }, c.Solver.LrDecayStages);
        Assert.Equal("dkd", c.Distiller.Method);
        Assert.Equal(2.0, c.Distiller.Settings<DkdSettings>().Beta);
        Assert.Equal(8.0, new DkdSettings().Beta);
        Assert.Equal(240, c.Solver.Epochs);
    }

    [Fact]
    public void SetOverridesComeLastAndParseTypes()
    {
        var path = Write("a.yaml", "solver:\n  epochs: 10\n");
        var c = RunConfig.Load(new[] { path },
            new[] { "solver.epochs=3", "distiller.crld.tau_w=0.5", "solver.lr_decay_stages=[1,2]", "dataset.name=cifar100", "log.progress=false" });
        Assert.Equal(3, c.Solver.Epochs);
        Assert.Equal(0.5, c.Distiller.Settings<CrldSettings>().TauW);
        Assert.Equal(new[] { 1, 2 }, c.Solver.LrDecayStages);
        Assert.Equal(DatasetName.Cifar100, c.Dataset.Name);
        Assert.False(c.Log.Progress);
    }

    [Fact]
    public void EnumsAcceptSnakeCase()
    {
        var c = RunConfig.Load(Array.Empty<string>(), new[] { "dataset.name=fashion_mnist", "dataset.name=tiny_imagenet" });
        Assert.Equal(DatasetName.TinyImagenet, c.Dataset.Name);
    }

    [Fact]
    public void UnknownYamlKeyNamesTheKeyFileAndValidKeys()
    {
        var path = Write("bad.yaml", "solver:\n  lrr: 0.1\n");
        var e = Assert.Throws<ConfigException>(() => RunConfig.Load(new[] { path }, Array.Empty<string>()));
        Assert.Contains("solver.lrr", e.Message);
        Assert.Contains("bad.yaml", e.Message);
        Assert.Contains("line 2", e.Message);
        Assert.Contains("lr_decay_stages", e.Message);
    }

    [Fact]
    public void UnknownSetKeyAndUnknownSectionAreErrors()
    {
        Assert.Contains("distiller.crld.tau", Assert.Throws<ConfigException>(() => RunConfig.Load(Array.Empty<string>(), new[] { "distiller.crld.tau=1" })).Message);
        Assert.Contains("valid keys of the top level", Assert.Throws<ConfigException>(() => RunConfig.Load(Array.Empty<string>(), new[] { "trainer.x=1" })).Message);
    }

    [Fact]
    public void WrongTypesAreErrors()
    {
        var e = Assert.Throws<ConfigException>(() => RunConfig.Load(Array.Empty<string>(), new[] { "solver.epochs=many" }));
        Assert.Contains("solver.epochs", e.Message);
        Assert.Contains("integer", e.Message);
        var e2 = Assert.Throws<ConfigException>(() => RunConfig.Load(Array.Empty<string>(), new[] { "distiller.method=magic" }));
        Assert.Contains("crld", e2.Message);
        var path = Write("list.yaml", "solver: [1, 2]\n");
        Assert.Contains("expected a section", Assert.Throws<ConfigException>(() => RunConfig.Load(new[] { path }, Array.Empty<string>())).Message);
    }

    [Fact]
    public void InvalidYamlAndMissingFileAreErrors()
    {
        var path = Write("broken.yaml", "solver:\n  lr: [0.1\n");
        Assert.Contains("broken.yaml", Assert.Throws<ConfigException>(() => RunConfig.Load(new[] { path }, Array.Empty<string>())).Message);
        Assert.Contains("not found", Assert.Throws<ConfigException>(() => RunConfig.Load(new[] { Path.Combine(dir, "none.yaml") }, Array.Empty<string>())).Message);
    }

    [Fact]
    public void ResolvedConfigRoundTripsAndHashIsStable()
    {
        var c = RunConfig.Load(Array.Empty<string>(), new[] { "solver.lr=0.01", "experiment.name=it's", "distiller.method=dist" });
        var path = Path.Combine(dir, "resolved.yaml");
        ConfigWriter.WriteFile(c, path);
        var back = RunConfig.Load(new[] { path }, Array.Empty<string>());
        Assert.Equal(ConfigWriter.ToYaml(c), ConfigWriter.ToYaml(back));
        Assert.Equal(ConfigWriter.Hash(c), ConfigWriter.Hash(back));
        Assert.NotEqual(ConfigWriter.Hash(c), ConfigWriter.Hash(new RunConfig()));
        Assert.Contains("lr: 0.01", File.ReadAllText(path));
        Assert.Contains("method: 'dist'", File.ReadAllText(path));
    }
}
