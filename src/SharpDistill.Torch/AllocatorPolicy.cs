namespace SharpDistill.Torch;

/// <summary>
/// How the process's memory allocator is set up when the engine loads. glibc's malloc, left at its
/// defaults, returns every large freed block to the kernel (blocks above its mmap threshold, and
/// the heap top above its trim threshold), so each training step faults its activation buffers in
/// again: millions of page faults and, for small models, most of the run time. The tuned policy
/// keeps freed memory in the process instead (at the cost of a resident set that stays at its
/// high-water mark). Chosen by <see cref="Variable"/>; a user who tunes malloc through the
/// environment (MALLOC_*_ variables, GLIBC_TUNABLES) or preloads another allocator keeps exactly
/// what they asked for.
/// </summary>
/// <param name="Name">"tuned" or "system".</param>
/// <param name="MmapThreshold">glibc M_MMAP_THRESHOLD in bytes, or -1 to leave the default.</param>
/// <param name="TrimThreshold">glibc M_TRIM_THRESHOLD in bytes, or -1 to leave the default.</param>
/// <param name="TopPad">glibc M_TOP_PAD in bytes, or -1 to leave the default.</param>
/// <param name="Reason">Why this policy applies, for run headers and bench reports.</param>
public sealed record AllocatorPolicy(string Name, long MmapThreshold, long TrimThreshold, long TopPad, string Reason)
{
    /// <summary>Environment variable choosing the policy: "tuned" (default) or "system".</summary>
    public const string Variable = "SHARPDISTILL_ALLOCATOR";

    public const string Tuned = "tuned", System = "system";

    /// <summary>The glibc variables whose presence means the user tunes malloc themselves.</summary>
    public static readonly IReadOnlyList<string> GlibcVariables =
        ["MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_", "MALLOC_TOP_PAD_", "MALLOC_MMAP_MAX_", "MALLOC_ARENA_MAX"];

    private const long GiB = 1L << 30, MiB = 1L << 20;

    /// <summary>
    /// The tuned values: no block below 1 GiB is given its own mapping, the heap top is returned
    /// to the kernel only beyond 1 GiB of free space, and the heap grows 512 MiB at a time (address
    /// space, faulted in only when touched). Measured on the Fashion-MNIST study runs: page faults
    /// 5.8 million -> 0.09 million, system time 8.8 s -> 1.1 s (README, "Speed").
    /// </summary>
    public static AllocatorPolicy TunedDefaults(string reason) => new(Tuned, GiB, GiB, 512 * MiB, reason);

    private static AllocatorPolicy SystemDefaults(string reason) => new(System, -1, -1, -1, reason);

    /// <summary>Whether this policy changes anything (calls mallopt).</summary>
    public bool Configures => MmapThreshold >= 0 || TrimThreshold >= 0 || TopPad >= 0;

    /// <summary>
    /// Chooses the policy from an environment (a variable name -> value lookup, null when unset).
    /// Throws <see cref="TorchException"/> naming <see cref="Variable"/> and the allowed values
    /// for anything else.
    /// </summary>
    public static AllocatorPolicy FromEnvironment(Func<string, string?> environment)
    {
        var requested = environment(Variable)?.Trim();
        if (string.Equals(requested, System, StringComparison.OrdinalIgnoreCase))
            return SystemDefaults($"{Variable}={System}");
        if (!string.IsNullOrEmpty(requested) && !string.Equals(requested, Tuned, StringComparison.OrdinalIgnoreCase))
            throw new TorchException($"{Variable} must be '{Tuned}' or '{System}', got '{requested}'");

        var ownSettings = GlibcVariables.FirstOrDefault(v => !string.IsNullOrEmpty(environment(v)));
        if (ownSettings != null) return SystemDefaults($"{ownSettings} is set: malloc keeps the environment's settings");
        if (environment("GLIBC_TUNABLES") is { } tunables && tunables.Contains("glibc.malloc.", StringComparison.Ordinal))
            return SystemDefaults("GLIBC_TUNABLES sets glibc.malloc options: malloc keeps them");
        if (environment("LD_PRELOAD") is { } preload && PreloadedAllocator(preload) is { } allocator)
            return SystemDefaults($"{allocator} is preloaded (LD_PRELOAD): it replaces glibc malloc");
        return TunedDefaults(string.IsNullOrEmpty(requested) ? "default" : $"{Variable}={Tuned}");
    }

    private static string? PreloadedAllocator(string preload)
    {
        foreach (var name in new[] { "tcmalloc", "jemalloc", "mimalloc" })
            if (preload.Contains(name, StringComparison.OrdinalIgnoreCase)) return name;
        return null;
    }

    /// <summary>One line for run headers and bench reports.</summary>
    public override string ToString() => Configures
        ? $"{Name} glibc malloc (mmap threshold {MmapThreshold / MiB} MiB, trim threshold {TrimThreshold / MiB} MiB, top pad {TopPad / MiB} MiB; {Reason})"
        : $"{Name} malloc ({Reason})";
}
