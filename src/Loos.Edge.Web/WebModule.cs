using Loos.Edge.Buffer;
using Loos.Edge.Core;
using Loos.Edge.Modules;
using Loos.Edge.Web.Verbs;
using Microsoft.Extensions.Configuration;

namespace Loos.Edge.Web;

/// <summary>
/// The web pages (section <c>web</c>): the tenants' heating page and the lighting crew's page, served by a host of their
/// own (<c>loos-edge web</c>) that reads InfluxDB and never touches field devices; <c>loos-edge run</c> serves none of them.
/// </summary>
public sealed class WebModule() : GatewayModule<WebOptions>(WebOptions.SectionName, WebOptionsValidator.Check)
{
    protected override void Bind(IConfiguration section, WebOptions options) => section.Bind(options);

    protected override void Prepare(WebOptions options, ISiteContext site)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(site);
        options.CertificateFile = site.ResolvePath(options.CertificateFile);
        options.KeyFile = site.ResolvePath(options.KeyFile);
        options.UsersFile = site.ResolvePath(options.UsersFile);
        options.TokensFile = site.ResolvePath(options.TokensFile) ?? Path.Combine(site.Options<BufferOptions>().Directory, WebOptions.DefaultTokensFileName);
        if (options.Influx is { } influx)
        {
            influx.PasswordFile = site.ResolvePath(influx.PasswordFile);
            influx.TokenFile = site.ResolvePath(influx.TokenFile);
        }
    }

    protected override void Validate(WebOptions options, ISiteContext site, ConfigurationProblems problems)
    {
        ArgumentNullException.ThrowIfNull(options);
        base.Validate(options, site, problems);
        SecretFile.Check(problems, "web:influx:tokenFile", options.Influx?.TokenFile);
        SecretFile.Check(problems, "web:influx:passwordFile", options.Influx?.PasswordFile);
    }

    // The pages run in their own host (loos-edge web), next to InfluxDB or on a gateway, never inside the gateway's.
    protected override bool IsEnabled(WebOptions options, ISiteContext site) => false;

    public override IEnumerable<Command> CreateVerbs(IVerbContext context) => [WebCommand.Create(context)];
}
