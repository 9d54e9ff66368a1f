namespace SharpDistill.Distillers;

/// <summary>The model alone with cross-entropy: how teachers and baselines are trained.</summary>
public sealed class CeMethod : IMethodDescriptor
{
    public string Name => "ce";
    public string Help => "the model alone with cross-entropy, no teacher (teachers and baselines; the `train` verb)";
    public bool NeedsTeacher => false;
    public object CreateSettings() => new NoSettings();
    public Distiller Create(object settings, DistillerParts parts) => new LogitDistiller(Name, parts, 1.0, null);
}
