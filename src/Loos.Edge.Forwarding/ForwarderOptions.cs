namespace Loos.Edge.Forwarding;

/// <summary>The site file's <c>forwarder</c> section: where readings go.</summary>
public sealed class ForwarderOptions
{
    /// <summary>The configuration section the host binds these options from.</summary>
    public const string SectionName = "forwarder";

    /// <summary>The targets; each gets its own buffer consumer, HTTP connection pool and health entry. None by default.</summary>
    public List<TargetOptions> Targets { get; init; } = [];

    /// <summary>
    /// Where a target without its own <see cref="TargetOptions.DeadLetterFile"/> writes <c>dead-letter-&lt;name&gt;.lp</c>;
    /// the host sets it to the buffer directory. No default: a target needs one or the other.
    /// </summary>
    public string? DeadLetterDirectory { get; set; }

    /// <summary>The dead-letter file <paramref name="target"/> writes to, or null when neither path is configured.</summary>
    public string? ResolveDeadLetterFile(TargetOptions target)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (!string.IsNullOrWhiteSpace(target.DeadLetterFile))
        {
            return target.DeadLetterFile;
        }

        return string.IsNullOrWhiteSpace(DeadLetterDirectory) ? null : Path.Combine(DeadLetterDirectory, $"dead-letter-{target.Name}.lp");
    }
}
