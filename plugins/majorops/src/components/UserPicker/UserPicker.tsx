import { stringifyEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import TextField from '@material-ui/core/TextField';
import Autocomplete from '@material-ui/lab/Autocomplete';
import useAsync from 'react-use/esm/useAsync';

export interface PickableEntity {
  ref: string;
  label: string;
}

/**
 * Picks catalog entities of the given kinds (users for roles; components,
 * resources and systems for affected entities), so refs are never retyped.
 */
export function CatalogEntityPicker(props: {
  kinds: string[];
  label: string;
  multiple?: boolean;
  value: string[];
  onChange: (refs: string[]) => void;
  id: string;
  helperText?: string;
}) {
  const catalogApi = useApi(catalogApiRef);
  const { value: options = [], loading } = useAsync(async (): Promise<PickableEntity[]> => {
    const { items } = await catalogApi.getEntities({
      filter: { kind: props.kinds },
      fields: ['kind', 'metadata.namespace', 'metadata.name', 'metadata.title', 'spec.profile.displayName'],
    });
    return items
      .map(entity => {
        const ref = stringifyEntityRef(entity).toLocaleLowerCase('en-US');
        const displayName = (entity.spec?.profile as { displayName?: string } | undefined)?.displayName;
        const title = displayName ?? entity.metadata.title ?? entity.metadata.name;
        return { ref, label: `${title} (${ref})` };
      })
      .sort((a, b) => a.label.localeCompare(b.label));
  }, [catalogApi, props.kinds.join(',')]);

  const byRef = new Map(options.map(o => [o.ref, o]));
  const selected = props.value.map(ref => byRef.get(ref) ?? { ref, label: ref });

  return (
    <Autocomplete<PickableEntity, boolean>
      id={props.id}
      multiple={props.multiple}
      loading={loading}
      options={options}
      getOptionLabel={o => o.label}
      getOptionSelected={(a, b) => a.ref === b.ref}
      value={props.multiple ? selected : selected[0] ?? null}
      onChange={(_e, value) => {
        if (Array.isArray(value)) props.onChange(value.map(v => v.ref));
        else props.onChange(value ? [value.ref] : []);
      }}
      renderInput={params => (
        <TextField {...params} label={props.label} variant="outlined" margin="dense" helperText={props.helperText} />
      )}
    />
  );
}
