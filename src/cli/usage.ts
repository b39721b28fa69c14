// --help of the CLI and of each command: every flag.

export const MAIN_HELP = `linkwright: local connections (Microsoft.ServiceLinker connectors) for developers, without the az CLI.

Usage: linkwright <command> [flags]

Commands:
  local     wire a Functions project's binding connections to Azure resources for local runs
  connect   create one local connection and show its configuration
  status    show a local connection's state and last operation

Flags:
  -h, --help     this help; 'linkwright <command> --help' for a command's flags
  --version      the CLI's version

Every command signs in with @azure/identity's DefaultAzureCredential (az login, azd auth login, AZURE_* variables)
for <audience>/.default, or uses the token in LINKWRIGHT_ACCESS_TOKEN. Trust a private CA with NODE_EXTRA_CA_CERTS
(the sandbox's is .sandbox/certs/ca.pem).
`;

const API_FLAGS = `  --endpoint <url>          ARM endpoint, or linkwright's (default https://management.azure.com;
                            the sandbox's is .sandbox/sandbox.json armEndpoint)
  --audience <uri>          token audience (default https://management.azure.com/; linkwright's own is its
                            LINKWRIGHT_AUDIENCE, e.g. api://<client id>)`;

const SCOPE_FLAGS = `  --subscription <id>       subscription of the local connections (default AZURE_SUBSCRIPTION_ID, else the
                            first target's)
  --resource-group <name>   resource group of the local connections (default the first target's)
  --location <name>         their location (default the resource group's, read from ARM)`;

export const LOCAL_HELP = `Usage: linkwright local [flags]

Run in a Functions project folder. Finds every binding's 'connection' (v4 Node.js registrations in src/**,
<Function>/function.json files, host.json's Durable Functions storage provider, the host's AzureWebJobsStorage),
creates a local connection (userAccount: your own sign-in, your IP opened on the target's firewall) for each
connection you give a target, and writes the identity-based settings the bindings read into local.settings.json
(<connection>__blobServiceUri, __queueServiceUri, __tableServiceUri, __fullyQualifiedNamespace, __accountEndpoint),
keeping every other value. No secrets and no __credential are written: locally your sign-in is the credential.
It also reports bindings whose connection will not resolve and trigger/output loops. Run it again: it changes only
what differs, and says "nothing to change" when nothing does.

Flags:
  --project <dir>           the Functions project (default the current folder)
  --target <conn>=<id>      the resource behind a connection; repeat per connection. A storage account gives the blob,
                            queue and table services its bindings use; a Cosmos DB account the bindings' database.
                            AzureWebJobsStorage (the host's storage) is rewired only when given here
  --client-type <type>      clientType of the local connections (default from FUNCTIONS_WORKER_RUNTIME / the project:
                            nodejs, dotnet, python, java, none)
${SCOPE_FLAGS}
${API_FLAGS}
  --dry-run                 print the connections, targets, local connections and settings it would change;
                            changes nothing and makes no network call
  -y, --yes                 ask nothing: connections without --target are reported as unresolved and skipped
                            (also when not on a terminal)
  -h, --help                this help

Example:
  linkwright local --target SamplesStorage=/subscriptions/<s>/resourceGroups/<rg>/providers/Microsoft.Storage/storageAccounts/<a> \\
                   --target OrdersBus=/subscriptions/<s>/resourceGroups/<rg>/providers/Microsoft.ServiceBus/namespaces/<ns>
`;

export const CONNECT_HELP = `Usage: linkwright connect <target-kind> --connection <name> --target <resource id> [flags]

Creates (or updates) one local connection for your own sign-in (userAccount, your IP opened on the target's firewall),
printing each step and the operation's state as it changes, then the configuration it generates.
<target-kind> is a Service Connector target: storage-blob, storage-queue, storage-table, servicebus, eventhub,
cosmos-sql, keyvault, appconfig, … (a storage account id is enough for the storage kinds).

Flags:
  --connection <name>       the local connection's name (letters, digits, '.', '_'; at most 60)
  --target <id>             the target resource id
  --binding-connection <p>  name the configuration as a Functions binding with connection <p> reads it
                            (<p>__blobServiceUri, …) instead of Service Connector's default names
  --client-type <type>      clientType (default none)
${SCOPE_FLAGS}
${API_FLAGS}
  -h, --help                this help
`;

export const STATUS_HELP = `Usage: linkwright status <connector id> [flags]

Shows a local connection's target, auth, state and last operation (who changed it when, and how it ended).
<connector id>: /subscriptions/<s>/resourceGroups/<rg>/providers/Microsoft.ServiceLinker/locations/<location>/connectors/<name>
Exit code 1 when it does not exist or its last operation failed.

Flags:
  --json                    print the resource as the API returns it
${API_FLAGS}
  -h, --help                this help
`;
