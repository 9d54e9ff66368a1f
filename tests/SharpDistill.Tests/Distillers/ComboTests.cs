using SharpDistill.Config;
using SharpDistill.Distillers;
using SharpDistill.Models;
using SharpDistill.Torch;

namespace SharpDistill.Tests.Distillers;

/// <summary>The combination of methods (docs/methods/combo.md): a weighted sum of their losses with the cross-entropy counted once.</summary>
public class ComboTests
{
    private static ZooModel Model(string name) =>
        ModelZoo.Create(name, new ModelOptions(NumClasses: 10, InChannels: 1, Variant: ModelVariant.TinyImageNet));

    /// <summary>The loss terms of one training step, its total, and the gradient of the total on every student parameter.</summary>
    private sealed record StepResult(Dictionary<string, double> Terms, double Total, float[][] Gradients);

    private static StepResult Step(Distiller distiller, IReadOnlyList<Tensor> views, Tensor labels)
    {
        using var scope = new TensorScope();
        distiller.TrainMode();
        distiller.Student.ZeroGrad();
        var step = distiller.TrainStep(views.Take(distiller.ViewCount).ToList(), labels, new TrainingProgress(2, 4));
        var total = step.Losses.Select(l => l.Value).Aggregate((a, b) => a + b);
        total.Backward();
        var gradients = distiller.Student.Parameters().Select(p => p.Grad is { } g ? g.ToArray<float>() : Array.Empty<float>()).ToArray();
        return new StepResult(step.Losses.ToDictionary(l => l.Key, l => l.Value.ToDouble()), total.ToDouble(), gradients);
    }

    private static DistillerConfig Combo(params (string Method, double Weight)[] terms)
    {
        var config = new DistillerConfig { Method = "combo" };
        config.Settings<ComboSettings>().Terms = terms.Select(t => new ComboTerm { Method = t.Method, Weight = t.Weight }).ToList();
        return config;
    }

    private static (List<Tensor> Views, Tensor Labels) Batch()
    {
        using var g = new Generator(3);
        var views = new List<Tensor> { Tensors.Randn(new long[] { 8, 1, 28, 28 }, g), Tensors.Randn(new long[] { 8, 1, 28, 28 }, g) };
        return (views, Tensors.RandInt(0, 10, new long[] { 8 }, g));
    }

    [Theory]
    [InlineData("kd")]
    [InlineData("dkd")]
    [InlineData("dist")]
    [InlineData("cmkd")]
    [InlineData("crld")]
    [InlineData("dcd")]
    public void OneTermWithWeightOneIsThatMethodExactly(string method)
    {
        TorchRuntime.ManualSeed(1);
        var student = Model("resnet8");
        var teacher = Model("resnet14");
        var (views, labels) = Batch();
        TorchRuntime.ManualSeed(9); // DCD's heads: the same initial weights in both distillers
        var alone = new DistillerConfig { Method = method }.CreateDistiller(student, teacher);
        TorchRuntime.ManualSeed(9);
        using var combo = Combo((method, 1.0)).CreateDistiller(student, teacher);
        Assert.Equal(alone.ViewCount, combo.ViewCount);
        var a = Step(alone, views, labels);
        var b = Step(combo, views, labels);

        Assert.Equal(a.Total, b.Total); // exactly: the same operations in the same order
        Assert.Equal(a.Terms["loss_ce"], b.Terms["loss_ce"]);
        foreach (var (name, value) in a.Terms.Where(t => t.Key != "loss_ce"))
            Assert.Equal(value, b.Terms[$"{method}.{name}"]);
        Assert.Equal(a.Terms.Count, b.Terms.Count);
        Assert.Equal(a.Gradients.Length, b.Gradients.Length);
        for (var i = 0; i < a.Gradients.Length; i++) Assert.Equal(a.Gradients[i], b.Gradients[i]);
        Assert.Contains(a.Gradients, g => g.Any(v => v != 0));
        foreach (var tensor in views.Append(labels)) tensor.Dispose();
    }

    [Theory]
    [InlineData("cmkd", "kd", 0.5)]
    [InlineData("cmkd", "dkd", 1.0)]
    [InlineData("dcd", "crld", 2.0)]
    public void TwoTermsAreTheSumOfTheirLossesWithCrossEntropyOnce(string first, string second, double weight)
    {
        TorchRuntime.ManualSeed(1);
        var student = Model("resnet8");
        var teacher = Model("resnet14");
        var (views, labels) = Batch();
        TorchRuntime.ManualSeed(9);
        var firstAlone = new DistillerConfig { Method = first }.CreateDistiller(student, teacher);
        var secondAlone = new DistillerConfig { Method = second }.CreateDistiller(student, teacher);
        var a = Step(firstAlone, views, labels);
        var b = Step(secondAlone, views, labels);
        TorchRuntime.ManualSeed(9);
        using var combo = Combo((first, 1.0), (second, weight)).CreateDistiller(student, teacher);
        var c = Step(combo, views, labels);

        // The first term's CE, every distillation loss of each term times its weight, and nothing else.
        var expected = a.Total + weight * (b.Total - b.Terms["loss_ce"]);
        Assert.Equal(expected, c.Total, 4);
        Assert.Equal(a.Terms["loss_ce"], c.Terms["loss_ce"], 6);
        foreach (var (name, value) in b.Terms.Where(t => t.Key != "loss_ce"))
            Assert.Equal(weight * value, c.Terms[$"{second}.{name}"], 5);
        Assert.Equal(a.Terms.Count + b.Terms.Count - 1, c.Terms.Count);
        Assert.Equal(Math.Max(firstAlone.ViewCount, secondAlone.ViewCount), combo.ViewCount);

        // The gradient of the sum is the sum of the gradients: (∇A) + w·(∇B − ∇CE_B), with ∇CE_B from the second method's CE alone.
        var ceOnly = new DistillerConfig { Method = second };
        var bCe = StepCe(ceOnly.CreateDistiller(student, teacher), views, labels);
        for (var i = 0; i < c.Gradients.Length; i++)
            for (var j = 0; j < c.Gradients[i].Length; j++)
            {
                var want = a.Gradients[i][j] + weight * (b.Gradients[i][j] - bCe[i][j]);
                Assert.True(Math.Abs(c.Gradients[i][j] - want) <= 1e-4 + 1e-3 * Math.Abs(want),
                    $"parameter {i}[{j}]: combination {c.Gradients[i][j]}, sum of the terms {want}");
            }
        foreach (var tensor in views.Append(labels)) tensor.Dispose();
    }

    /// <summary>The gradient of a method's CE term alone.</summary>
    private static float[][] StepCe(Distiller distiller, IReadOnlyList<Tensor> views, Tensor labels)
    {
        using var scope = new TensorScope();
        distiller.TrainMode();
        distiller.Student.ZeroGrad();
        var step = distiller.TrainStep(views.Take(distiller.ViewCount).ToList(), labels, new TrainingProgress(2, 4));
        step.Losses.Single(l => l.Key == "loss_ce").Value.Backward();
        return distiller.Student.Parameters().Select(p => p.Grad is { } g ? g.ToArray<float>() : new float[p.ToArray<float>().Length]).ToArray();
    }

    [Fact]
    public void ComposesWithCrossViewConsistencyAsTheWeightedSumOfPairLosses()
    {
        TorchRuntime.ManualSeed(1);
        var student = Model("resnet8");
        var teacher = Model("resnet14");
        var (views, labels) = Batch();
        var cross = new CrossViewConfig { Enabled = true, TauW = 0, TauS = 0 };
        var kd = Step(new DistillerConfig { Method = "kd", CrossView = cross }.CreateDistiller(student, teacher), views, labels);
        var cmkd = Step(new DistillerConfig { Method = "cmkd", CrossView = cross }.CreateDistiller(student, teacher), views, labels);
        var combo = Combo(("kd", 1.0), ("cmkd", 0.5));
        combo.CrossView = cross;
        using var distiller = combo.CreateDistiller(student, teacher);
        Assert.Equal("combo+crld", distiller.Method);
        var both = Step(distiller, views, labels);
        Assert.Equal(kd.Terms["loss_ce"], both.Terms["loss_ce"], 6); // the cross-view CE, once
        foreach (var name in new[] { "loss_kd_wv", "loss_kd_cv" })
            Assert.Equal(kd.Terms[name] + 0.5 * cmkd.Terms[name], both.Terms[name], 4);

        var withDcd = Combo(("kd", 1.0), ("dcd", 1.0));
        withDcd.CrossView = cross;
        var error = Assert.Throws<ArgumentException>(() => withDcd.CreateDistiller(student, teacher));
        Assert.Contains("distiller.combo.terms[1]: dcd does not compose with distiller.cross_view", error.Message);
        foreach (var tensor in views.Append(labels)) tensor.Dispose();
    }

    [Fact]
    public void TermsAreReadFromYamlAndTheirSettingsFromTheirOwnSections()
    {
        using var directory = new SharpDistill.TestSupport.TempDirectory();
        var file = Path.Combine(directory.Path, "combo.yaml");
        File.WriteAllText(file, """
            distiller:
              method: combo
              combo:
                terms:
                  - {method: cmkd, weight: 1.0}
                  - method: dkd
                    weight: 0.25
              dkd:
                beta: 2.0
            """);
        var config = RunConfig.Load(new[] { file }, Array.Empty<string>());
        var terms = config.Distiller.Settings<ComboSettings>().Terms;
        Assert.Equal(new[] { "cmkd", "dkd" }, terms.Select(t => t.Method));
        Assert.Equal(new[] { 1.0, 0.25 }, terms.Select(t => t.Weight));

        // The resolved config writes the terms back in a form that reads back to the same config.
        var yaml = ConfigWriter.ToYaml(config);
        Assert.Contains("terms: [{method: 'cmkd', weight: 1.0}, {method: 'dkd', weight: 0.25}]", yaml);
        var again = RunConfig.Load((yaml, "written"), Array.Empty<string>(), Array.Empty<string>());
        Assert.Equal(yaml, ConfigWriter.ToYaml(again));

        var set = RunConfig.Load(Array.Empty<string>(), new[] { "distiller.method=combo", "distiller.combo.terms=[{method: dcd, weight: 1}, {method: crld, weight: 0.5}]" });
        Assert.Equal(new[] { "dcd", "crld" }, set.Distiller.Settings<ComboSettings>().Terms.Select(t => t.Method));
    }

    [Theory]
    [InlineData("[]", "distiller.combo.terms is empty")]
    [InlineData("[{method: kdd, weight: 1}]", "distiller.combo.terms[0].method: unknown method 'kdd'")]
    [InlineData("[{method: kd, weight: 1}, {method: combo, weight: 1}]", "distiller.combo.terms[1].method: a combination cannot contain a combination")]
    [InlineData("[{method: kd, weight: -0.5}]", "distiller.combo.terms[0].weight must be a finite number of at least 0, got -0.5")]
    [InlineData("[{method: kd, weight: NaN}]", "distiller.combo.terms[0].weight must be a finite number of at least 0, got NaN")]
    [InlineData("[{method: kd, weight: Infinity}]", "distiller.combo.terms[0].weight must be a finite number of at least 0, got Infinity")]
    [InlineData("[{method: kd}, {method: kd}]", "distiller.combo.terms[1].method: kd is listed twice")]
    [InlineData("[{method: ce}]", "distiller.combo.terms[0].method: ce has no distillation part")]
    [InlineData("[{weight: 1}]", "distiller.combo.terms[0].method is missing")]
    [InlineData("[{method: kd, wieght: 1}]", "unknown config key 'distiller.combo.terms[0].wieght'")]
    [InlineData("[kd]", "distiller.combo.terms[0] (--set): expected a section")]
    public void BadTermsAreRefusedWhenTheConfigLoadsNamingTheTerm(string terms, string message)
    {
        var error = Assert.Throws<ConfigException>(() =>
            RunConfig.Load(Array.Empty<string>(), new[] { "distiller.method=combo", $"distiller.combo.terms={terms}" }));
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void TheStudyComparesTheMethodsThemselvesNotTheCombination()
    {
        Assert.Contains("combo", MethodRegistry.Names);
        Assert.DoesNotContain("combo", new SharpDistill.Study.StudyPlan().Methods);
    }
}
