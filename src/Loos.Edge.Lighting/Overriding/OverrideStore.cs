using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Loos.Edge.Lighting.Overriding;

/// <summary>The outcome of <see cref="OverrideStore.Add"/>: the override applied, or why it was refused.</summary>
/// <param name="Override">The override kept, with its id; null when refused.</param>
/// <param name="Refusal">What was wrong with the request, naming the field; null when applied.</param>
public sealed record OverrideOutcome(LightingOverride? Override, string? Refusal)
{
    /// <summary>Whether the override was applied.</summary>
    public bool IsApplied => Override is not null;
}

/// <summary>
/// The overrides the crew gave, kept durably in one file (<see cref="LightingOptions.OverridesFile"/>) so that a
/// restart keeps them; an expired override is gone by itself. Thread-safe: HTTP, MQTT and the dispatcher share it.
/// </summary>
/// <remarks>
/// A damaged file is renamed <c>.damaged</c> and reported, and the store starts empty. A file written by a newer
/// gateway is left as it is and reported: the store then lists nothing and refuses every change, so that this gateway
/// never overwrites what it cannot read.
/// </remarks>
public sealed class OverrideStore
{
    /// <summary>The most overrides kept at once (in force or to come): more would be a runaway script, not a crew.</summary>
    public const int MaximumOverrides = 256;

    /// <summary>The longest reason, in characters.</summary>
    public const int MaximumReasonLength = 200;

    private readonly Lock gate = new();
    private readonly TimeProvider timeProvider;
    private readonly ILogger logger;
    private readonly HashSet<string> knownCircuits;
    private List<LightingOverride> overrides;
    private long changeCount;

    /// <summary>Opens the store of <paramref name="path"/>, reading the overrides it holds.</summary>
    /// <param name="path">The overrides file; created at the first change.</param>
    /// <param name="circuits">The site's circuits, the only names an override may give.</param>
    /// <param name="timeProvider">The clock that says which overrides have expired.</param>
    /// <param name="logger">Where a damaged or newer file and each change are reported.</param>
    /// <exception cref="IOException">The file exists but cannot be read, or a damaged file cannot be set aside.</exception>
    /// <exception cref="UnauthorizedAccessException">The file exists but cannot be read.</exception>
    public OverrideStore(string path, IEnumerable<string> circuits, TimeProvider timeProvider, ILogger<OverrideStore>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(circuits);
        ArgumentNullException.ThrowIfNull(timeProvider);
        Path = path;
        knownCircuits = new HashSet<string>(circuits, StringComparer.Ordinal);
        this.timeProvider = timeProvider;
        this.logger = (ILogger?)logger ?? NullLogger.Instance;
        overrides = Load();
    }

    /// <summary>The overrides file.</summary>
    public string Path { get; }

    /// <summary>Why the file at start could not be used (damaged and set aside, or of a newer version); null when it could.</summary>
    public string? Problem { get; private set; }

    /// <summary>Counts the changes (an override added or cancelled) since the store was opened.</summary>
    public long ChangeCount => Interlocked.Read(ref changeCount);

    /// <summary>Whether changes are refused, because the file was written by a newer gateway.</summary>
    public bool IsReadOnly { get; private set; }

    /// <summary>Raised after each change, outside the store's lock, for the dispatcher to apply the levels again.</summary>
    public event Action? Changed;

    /// <summary>
    /// Adds an override of <paramref name="level"/> % on <paramref name="circuits"/> (null: every circuit) from
    /// <paramref name="from"/> until <paramref name="until"/>; refused, with what was wrong, when a value is not possible.
    /// </summary>
    /// <exception cref="IOException">The file cannot be written (the override is then not applied), or it is of a newer version.</exception>
    /// <exception cref="UnauthorizedAccessException">The file's folder is not writable.</exception>
    public OverrideOutcome Add(IReadOnlyCollection<string>? circuits, int level, DateTimeOffset from, DateTimeOffset until, string? reason)
    {
        var now = timeProvider.GetUtcNow();
        reason = reason?.Trim() ?? string.Empty;
        if (Check(circuits, level, from, until, reason, now) is { } refusal)
        {
            return new OverrideOutcome(null, refusal);
        }

        LightingOverride added;
        lock (gate)
        {
            var kept = Unexpired(overrides, now);
            if (kept.Count >= MaximumOverrides)
            {
                return new OverrideOutcome(null, $"{kept.Count} overrides are in force or to come, the most the gateway keeps ({MaximumOverrides}); cancel one first");
            }

            string id;
            do
            {
                id = RandomNumberGenerator.GetHexString(8, lowercase: true);
            }
            while (kept.Exists(o => o.Id == id));

            added = new LightingOverride(id, circuits is null ? [] : [.. circuits.Distinct(StringComparer.Ordinal)], level, from.ToUniversalTime(), until.ToUniversalTime(), reason, now);
            kept.Add(added);
            Save(kept);
        }

        OverrideLog.Added(logger, added.Id, added.Level, added.Circuits.Count == 0 ? "every circuit" : string.Join(", ", added.Circuits), added.From, added.Until, added.Reason);
        Changed?.Invoke();
        return new OverrideOutcome(added, null);
    }

    /// <summary>Cancels override <paramref name="id"/>; false when there is none of that id (or it has expired).</summary>
    /// <exception cref="IOException">The file cannot be written (the override is then kept), or it is of a newer version.</exception>
    /// <exception cref="UnauthorizedAccessException">The file's folder is not writable.</exception>
    public bool Cancel(string id)
    {
        var now = timeProvider.GetUtcNow();
        lock (gate)
        {
            var kept = Unexpired(overrides, now);
            if (kept.RemoveAll(o => o.Id == id) == 0)
            {
                return false;
            }

            Save(kept);
        }

        OverrideLog.Cancelled(logger, id);
        Changed?.Invoke();
        return true;
    }

    /// <summary>The overrides in force at <paramref name="now"/>, newest first (the first covering a circuit wins).</summary>
    public IReadOnlyList<LightingOverride> Active(DateTimeOffset now) => Select(o => o.IsActiveAt(now));

    /// <summary>The overrides not expired at <paramref name="now"/> (in force or to come), newest first.</summary>
    public IReadOnlyList<LightingOverride> All(DateTimeOffset now) => Select(o => o.Until > now);

    /// <summary>The override that sets <paramref name="circuit"/>'s level at <paramref name="now"/>: the newest in force covering it; null for none.</summary>
    public LightingOverride? Winning(string circuit, DateTimeOffset now) => Active(now).FirstOrDefault(o => o.Covers(circuit));

    /// <summary>The next instant after <paramref name="now"/> at which an override starts or expires; null when none will.</summary>
    public DateTimeOffset? NextTransition(DateTimeOffset now) =>
        All(now).SelectMany(o => new[] { o.From, o.Until }).Where(t => t > now).Order().Cast<DateTimeOffset?>().FirstOrDefault();

    private IReadOnlyList<LightingOverride> Select(Func<LightingOverride, bool> predicate)
    {
        List<LightingOverride> snapshot;
        lock (gate)
        {
            snapshot = overrides;
        }

        // Newest first; an id breaks ties so that the order is the same on every call.
        return [.. snapshot.Where(predicate).OrderByDescending(o => o.Created).ThenBy(o => o.Id, StringComparer.Ordinal)];
    }

    private string? Check(IReadOnlyCollection<string>? circuits, int level, DateTimeOffset from, DateTimeOffset until, string reason, DateTimeOffset now)
    {
        if (circuits is { Count: 0 })
        {
            return "circuits is empty: name at least one circuit, or ask for all";
        }

        if (circuits?.FirstOrDefault(c => !knownCircuits.Contains(c)) is { } unknown)
        {
            return $"circuit '{unknown}' is not one of the site's circuits ({string.Join(", ", knownCircuits.Order(StringComparer.Ordinal))})";
        }

        if (level is < 0 or > 100)
        {
            return string.Create(CultureInfo.InvariantCulture, $"level {level} is not a level from 0 to 100 %");
        }

        if (until <= from)
        {
            return $"until {OverrideTimes.Format(until)} is not after from {OverrideTimes.Format(from)}";
        }

        if (until <= now)
        {
            return $"until {OverrideTimes.Format(until)} is already past (the gateway's time is {OverrideTimes.Format(now)})";
        }

        return reason.Length > MaximumReasonLength
            ? string.Create(CultureInfo.InvariantCulture, $"reason is {reason.Length} characters long, {MaximumReasonLength} at most")
            : null;
    }

    private static List<LightingOverride> Unexpired(List<LightingOverride> overrides, DateTimeOffset now) => overrides.FindAll(o => o.Until > now);

    // Under the lock: the new list replaces the old one only once it is on disk.
    private void Save(List<LightingOverride> kept)
    {
        if (IsReadOnly)
        {
            throw new IOException($"The overrides file {Path} is not changed: {Problem}.");
        }

        try
        {
            OverrideFile.Write(Path, kept);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            OverrideLog.WriteFailed(logger, Path, exception);
            throw;
        }

        overrides = kept;
        Interlocked.Increment(ref changeCount);
    }

    private List<LightingOverride> Load()
    {
        var read = OverrideFile.Read(Path);
        switch (read.Status)
        {
            case OverrideFileStatus.Damaged:
                var aside = Path + OverrideFile.DamagedExtension;
                File.Move(Path, aside, overwrite: true);
                Problem = $"{Path} was damaged ({read.Problem}) and is kept aside as {aside}";
                OverrideLog.Damaged(logger, Path, read.Problem!, aside);
                return [];
            case OverrideFileStatus.Newer:
                IsReadOnly = true;
                Problem = $"{Path}: {read.Problem}";
                OverrideLog.Newer(logger, Path, read.Problem!);
                return [];
            case OverrideFileStatus.Valid:
                var kept = Unexpired([.. read.Overrides], timeProvider.GetUtcNow());
                OverrideLog.Loaded(logger, kept.Count, Path);
                return kept;
            default:
                return [];
        }
    }
}
