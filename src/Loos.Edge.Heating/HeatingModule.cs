using Loos.Edge.Core;
using Loos.Edge.Forwarding;
using Loos.Edge.Modules;
using Loos.Edge.Verbs.Heating;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Loos.Edge.Heating;

/// <summary>
/// The heating report (section <c>heating</c>): each home's consumption and cost against its target, read back from
/// a forwarder target, and published as series when the section asks for it.
/// </summary>
public sealed class HeatingModule() : GatewayModule<HeatingOptions>(HeatingOptions.SectionName, HeatingOptionsValidator.Check)
{
    protected override void Bind(IConfiguration section, HeatingOptions options) => section.Bind(options);

    protected override void Validate(HeatingOptions options, ISiteContext site, ConfigurationProblems problems)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(site);
        base.Validate(options, site, problems);
        if (options.PublishSeries && ReadBackTarget(options, site) is null)
        {
            if (options.Target is null)
            {
                problems.Add("heating:publishSeries", ": needs a forwarder target to read the readings back from");
            }
            else
            {
                problems.Add("heating:target", $": no forwarder target is named '{options.Target}'");
            }
        }
    }

    protected override bool IsEnabled(HeatingOptions options, ISiteContext site) => options.PublishSeries;

    protected override void AddServices(IServiceCollection services, HeatingOptions options, ISiteContext site)
    {
        if (ReadBackTarget(options, site) is { } target)
        {
            services.AddSingleton<IHostedService>(provider => ActivatorUtilities.CreateInstance<HeatingSeriesService>(provider, options, target));
        }
    }

    /// <summary>The forwarder target the readings are read back from: the one named, or the first.</summary>
    private static TargetOptions? ReadBackTarget(HeatingOptions options, ISiteContext site) =>
        site.Options<ForwarderOptions>().Targets.FirstOrDefault(t => options.Target is null || t.Name == options.Target);

    public override IEnumerable<Command> CreateVerbs(IVerbContext context) => [HeatingCommand.Create(context)];
}
