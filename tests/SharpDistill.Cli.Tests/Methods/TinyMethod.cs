using SharpDistill.Distillers;
using SharpDistill.Distillers.Losses;
using SharpDistill.Torch;

namespace SharpDistill.Cli.Tests.Methods;

/// <summary>The settings of the test-only "tiny" method: its one default lives here.</summary>
public sealed class TinySettings
{
    public double Weight { get; set; } = 0.25;
}

/// <summary>
/// A method defined outside the library, to show that one descriptor is all a new method needs:
/// CE plus weight·mean((student − teacher)²) on the logits. The registry finds it because this test
/// assembly references SharpDistill; nothing in src/ names it.
/// </summary>
public sealed class TinyMethod : IMethodDescriptor
{
    public string Name => "tiny";
    public string Help => "test-only: CE plus the mean squared difference of the logits";
    public object CreateSettings() => new TinySettings();

    public static Tensor Loss(Tensor student, Tensor teacher, double weight)
    {
        var difference = student - teacher;
        return (difference * difference).Mean() * weight;
    }

    public Distiller Create(object settings, DistillerParts parts) => new LogitDistiller(Name, parts, 1.0, CrossViewPair(settings).Loss);

    public CrossViewPairLoss CrossViewPair(object settings) => new((s, t, y, p) => Loss(s, t, ((TinySettings)settings).Weight));

    public LossConformanceEvaluator Conformance =>
        ConformanceValues.OfLogits((c, student, teacher) => Loss(student, teacher, c.Param("weight")));
}
