namespace Loos.Edge.Modules.SiteFiles;

/// <summary>
/// What a file read by <see cref="SiteFile"/> is, in a technician's words: the site file, or a file it names (a device
/// profile, an MQTT preset), which are read and checked the same way.
/// </summary>
/// <param name="Name">What messages call the file, e.g. <c>profile</c>.</param>
/// <param name="TopLevel">What the file's top level maps, e.g. <c>keys (description:, points:, …)</c>.</param>
public sealed record SiteFileKind(string Name, string TopLevel)
{
    /// <summary>The site file: a mapping of the modules' sections.</summary>
    public static SiteFileKind Site { get; } = new("site file", "sections (buffer:, forwarder:, …)");
}
