using Loos.Edge.Modules;
using Loos.Edge.Modules.SiteFiles;
using Loos.Edge.SiteFiles;

namespace Loos.Edge.Verbs;

/// <summary>Loads site files for the verbs with every module of the gateway.</summary>
internal sealed class SiteVerbContext : IVerbContext
{
    public static SiteVerbContext Instance { get; } = new();

    public async Task<ISiteContext?> LoadSiteAsync(string path, TextWriter problems)
    {
        try
        {
            return SiteConfiguration.Load(path);
        }
        catch (SiteFileException exception)
        {
            await problems.WriteLineAsync(exception.Message).ConfigureAwait(false);
            return null;
        }
    }
}
