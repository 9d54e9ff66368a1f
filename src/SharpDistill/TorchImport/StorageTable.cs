using SharpDistill.Pickle;
namespace SharpDistill.TorchImport;

/// <summary>
/// The storages of one checkpoint, created from the pickle's persistent ids
/// <c>('storage', torch.&lt;T&gt;Storage, key, location, numel)</c> (the legacy format adds a sixth
/// item, storage-view metadata, which PyTorch ≥ 1.0 always writes as None). Tensors that name the
/// same key share one <see cref="CheckpointStorage"/>.
/// </summary>
internal sealed class StorageTable
{
    private readonly Dictionary<string, CheckpointStorage> storages = new();
    private readonly bool legacy;

    public StorageTable(bool legacy) => this.legacy = legacy;

    public IReadOnlyCollection<CheckpointStorage> All => storages.Values;

    public bool TryGet(string key, out CheckpointStorage storage) => storages.TryGetValue(key, out storage!);

    /// <summary>The persistent-load function for <see cref="StrictUnpickler"/>.</summary>
    public object Resolve(object? persistentId)
    {
        if (persistentId is not PickleTuple { Count: > 0 } id)
            throw new PickleDataException($"a persistent id must be a tuple, got {PickleFormatting.TypeName(persistentId)}");
        if (id[0] is not "storage")
            throw new PickleDataException($"unsupported persistent id of kind {PickleFormatting.Describe(id[0])}; only storages are supported" +
                (id[0] is "module" ? " (this checkpoint pickles a whole model class: re-save model.state_dict() in PyTorch)" : ""));
        var expected = legacy ? 6 : 5;
        if (id.Count != expected)
            throw new PickleDataException($"a storage persistent id has {expected} items in this format, got {id.Count}: {id}");
        if (id[1] is not PickleGlobal { Kind: PickleGlobalKind.StorageClass, Storage: { } type })
            throw new PickleDataException($"storage type must be a torch.<T>Storage class, got {PickleFormatting.Describe(id[1])}");
        if (id[2] is not string key) throw new PickleDataException($"storage key must be a string, got {PickleFormatting.Describe(id[2])}");
        if (id[3] is not string location) throw new PickleDataException($"storage location must be a string, got {PickleFormatting.Describe(id[3])}");
        if (id[4] is not long numel || numel < 0) throw new PickleDataException($"storage size must be a non-negative int, got {PickleFormatting.Describe(id[4])}");
        if (legacy && id[5] is not null)
            throw new PickleDataException($"storage '{key}' is a view of another storage (a pre-1.0 checkpoint); re-save it with a recent PyTorch");

        if (storages.TryGetValue(key, out var existing))
        {
            if (existing.ElementType != type || existing.ElementCount != numel)
                throw new PickleDataException($"storage '{key}' is declared as {existing.ElementType}[{existing.ElementCount}] and as {type}[{numel}]");
            return existing;
        }
        var storage = new CheckpointStorage(key, type, numel, location);
        storages.Add(key, storage);
        return storage;
    }
}
